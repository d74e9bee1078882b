// `dts admin ...`: commands that run on the machine of the console, against its metadata database
// (DATABASE_URL, or the embedded server under DTS_DATA_DIR), not through the API.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Args } from './args';
import { CliError } from './client';
import { TextOutput } from './output';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** re-encrypts the stored passwords under a new key: runs scripts/rotate-key.ts, which prints what it did */
export function rotateKeyCommand(args: Args): TextOutput {
  if (args.positionals.length || [...args.flags.keys()].some((f) => f !== 'compact')) {
    throw new CliError('dts admin rotate-key takes no arguments: the new key comes from DTS_NEW_SECRET_KEY in the environment (never the command line), or is generated into secret.key', 2);
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'rotate-key.ts')], { cwd: root, stdio: 'inherit', env: process.env });
  if (r.error) throw new CliError(`admin rotate-key: cannot run scripts/rotate-key.ts: ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`admin rotate-key failed (exit ${r.status ?? r.signal}); see the lines above`, 1);
  return new TextOutput('');
}
