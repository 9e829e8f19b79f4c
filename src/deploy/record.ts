/**
 * The last deploy of each stack, under `.authstack/deploys.json`, for `authstack status` and `outputs` when
 * AWS cannot be asked. The deployed template and Lambda's CodeSha256 stay the authority: this file is a
 * convenience, never what decides whether to skip a deploy.
 */
import { join } from 'node:path';
import { isRecord, readJsonFile, updateJsonFile } from '../core/files.js';

export interface DeployRecord {
  stackName: string;
  region: string;
  stackId?: string;
  deployedAt: string;
  outcome: string;
  templateSha256: string;
  /** Base64, as Lambda reports it. */
  codeSha256: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
}

interface DeploysFile {
  stacks: Record<string, DeployRecord>;
}

const isDeploysFile = (v: unknown): v is DeploysFile => isRecord(v) && isRecord(v.stacks);

function deploysPath(stateDir: string): string {
  return join(stateDir, 'deploys.json');
}

const key = (stackName: string, region: string) => `${region}/${stackName}`;

export async function readDeployRecord(stateDir: string, stackName: string, region: string): Promise<DeployRecord | undefined> {
  const file = await readJsonFile<DeploysFile>(deploysPath(stateDir), 'deploy record', isDeploysFile);
  return file?.stacks[key(stackName, region)];
}

const deploysFile = { what: 'deploy record', validate: isDeploysFile, initial: (): DeploysFile => ({ stacks: {} }) };

export async function saveDeployRecord(stateDir: string, record: DeployRecord): Promise<void> {
  await updateJsonFile(deploysPath(stateDir), deploysFile, (file) => {
    file.stacks[key(record.stackName, record.region)] = record;
  });
}

export async function forgetDeployRecord(stateDir: string, stackName: string, region: string): Promise<void> {
  // Checked before locking too: with nothing to forget, taking the lock would create `.authstack/` for nothing.
  if (!(await readDeployRecord(stateDir, stackName, region))) return;
  await updateJsonFile(deploysPath(stateDir), deploysFile, (file) => {
    if (!(key(stackName, region) in file.stacks)) return false;
    delete file.stacks[key(stackName, region)];
  });
}
