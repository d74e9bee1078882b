import { Console } from '../components/console';

export default function HomePage() {
  return <Console />;
}
