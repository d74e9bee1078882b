// The e2e harness: `npm start`'s entry (scripts/start.ts) on a fresh data directory with its
// embedded metadata PostgreSQL, and Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort, waitFor } from '../test/helpers/pg';

export const CHROMIUM = '/usr/bin/chromium';
export const root = path.resolve(import.meta.dirname, '..');
export const haveChromium = existsSync(CHROMIUM);
/** screenshots of each main screen, kept as test artifacts */
export const ARTIFACTS = path.join(root, 'test-results', 'e2e');

export function requireChromium(): void {
  if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is required in CI (.ci/run installs the chromium package)`);
  if (!haveChromium) console.log(`# skipped: no server: Chromium (${CHROMIUM} missing); the console e2e tests did not run`);
}

export interface App {
  url: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(adminPassword: string, extraEnv: Record<string, string> = {}): Promise<App> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dts-e2e-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DTS_DATA_DIR: path.join(dataDir, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
    DTS_EMBEDDED_PG_PORT: String(await freePort()),
    DTS_ADMIN_PASSWORD: adminPassword,
  };
  delete env.DATABASE_URL;
  delete env.DTS_SECRET_KEY;
  delete env.DTS_DEV;
  // the caller's own settings win, DATABASE_URL and DTS_SECRET_KEY included
  Object.assign(env, extraEnv);
  let output = '';
  const app: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  app.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  app.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await waitFor('the console to listen', async () => {
    if (app.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    return output.includes('replicator started');
  }, 300_000, 250);
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (app.exitCode === null && app.signalCode === null) {
        const exited = new Promise((r) => app.once('exit', r));
        app.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Collects the Content-Security-Policy violations the page reports (its securitypolicyviolation
 * events, and Chromium's console errors about the policy) into the returned list, which a test
 * asserts is empty.
 */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeBinding('__dtsCspViolation', (_source, text: string) => {
    violations.push(text);
  });
  // init scripts and bindings come through the DevTools protocol, so the policy does not block them
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __dtsCspViolation(text: string): void }).__dtsCspViolation;
      void report(`${e.effectiveDirective} blocked ${e.blockedURI || 'an inline resource'} (${e.sourceFile || location.href}:${e.lineNumber}) on ${location.pathname}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /content.security.policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}
