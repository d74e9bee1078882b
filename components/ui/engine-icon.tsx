'use client';
// Engine icons: a small coloured mark and the engine's name.
export type EngineName = 'postgres' | 'mysql' | 'mongodb' | 'sqlserver';

export const ENGINE_LABEL: Record<EngineName, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mongodb: 'MongoDB',
  sqlserver: 'SQL Server',
};

const MARK: Record<EngineName, { bg: string; text: string }> = {
  postgres: { bg: '#336791', text: 'PG' },
  mysql: { bg: '#00758f', text: 'My' },
  mongodb: { bg: '#47a248', text: 'Mg' },
  sqlserver: { bg: '#a91d22', text: 'MS' },
};

export function EngineIcon({ engine, withLabel = false }: { engine: EngineName; withLabel?: boolean }) {
  const m = MARK[engine];
  return (
    <span className="inline-flex items-center gap-1" title={ENGINE_LABEL[engine]}>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-label={ENGINE_LABEL[engine]} role="img">
        <rect width="16" height="16" rx="3" fill={m.bg} />
        <text x="8" y="11.5" textAnchor="middle" fontSize="8" fontWeight="700" fill="#fff" fontFamily="Arial, sans-serif">
          {m.text}
        </text>
      </svg>
      {withLabel && <span className="text-sm">{ENGINE_LABEL[engine]}</span>}
    </span>
  );
}
