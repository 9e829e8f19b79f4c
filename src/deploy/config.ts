/**
 * Writing `authstack.config.json`: the answers of a guided deploy, kept in the project folder (and meant to be
 * committed) so the next `authstack deploy` needs no flags. Reading it is `core/project-config.ts`'s, once per
 * command (`ctx.project()`).
 */
import { writeJsonFile } from '../core/files.js';
import { configPath, type ProjectConfig } from '../core/project-config.js';

export { configPath } from '../core/project-config.js';

/** Writes the settings, without the empty ones. */
export async function writeDeployConfig(projectDir: string, config: ProjectConfig): Promise<void> {
  const clean = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined && v !== ''));
  await writeJsonFile(configPath(projectDir), clean);
}
