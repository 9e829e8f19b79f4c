/**
 * `authstack.config.json`: the answers of a guided deploy, kept in the project folder (and meant to be
 * committed) so the next `authstack deploy` needs no flags. Flags override it.
 */
import { join } from 'node:path';
import { isRecord, readJsonFile, writeJsonFile } from '../core/files.js';

export const CONFIG_FILE = 'authstack.config.json';

export interface DeployConfig {
  stackName?: string;
  region?: string;
  /** Custom domain; absent or empty for none. */
  domain?: string;
  hostedZoneId?: string;
  stage?: string;
  logRetentionInDays?: number;
}

const STRING_KEYS = ['stackName', 'region', 'domain', 'hostedZoneId', 'stage'] as const;

export function isDeployConfig(value: unknown): value is DeployConfig {
  if (!isRecord(value)) return false;
  for (const key of STRING_KEYS) if (value[key] !== undefined && typeof value[key] !== 'string') return false;
  return value.logRetentionInDays === undefined || (typeof value.logRetentionInDays === 'number' && Number.isInteger(value.logRetentionInDays));
}

export function configPath(cwd: string): string {
  return join(cwd, CONFIG_FILE);
}

/** The saved config, or undefined when there is none. A corrupt file is reported and left untouched. */
export async function readDeployConfig(cwd: string): Promise<DeployConfig | undefined> {
  return readJsonFile<DeployConfig>(configPath(cwd), 'deploy configuration', isDeployConfig);
}

export async function writeDeployConfig(cwd: string, config: DeployConfig): Promise<void> {
  const clean = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined && v !== ''));
  await writeJsonFile(configPath(cwd), clean);
}

/**
 * The stack a command works on: `--stack` when given, else the one `authstack.config.json` names (a guided
 * deploy saves it there), else the default `authstack`.
 */
export function stackNameFor(global: { stack: string; stackExplicit?: boolean }, config: DeployConfig): string {
  return global.stackExplicit ? global.stack : (config.stackName ?? global.stack);
}
