import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project folder a command works in, found as git, wrangler and the CDK find theirs: the nearest folder, from
 * `cwd` upwards, that holds `.authstack/` or `authstack.config.json`. The walk stops at the repository root (a
 * folder with `.git`), so a project never picks up another one's state from a folder above it. With none found,
 * the project is `cwd` itself: that is where `authstack dev` or `deploy` will record the first target.
 */
export function findProjectDir(cwd: string, exists: (path: string) => boolean = existsSync): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (exists(join(dir, '.authstack')) || exists(join(dir, 'authstack.config.json'))) return dir;
    if (exists(join(dir, '.git')) || dirname(dir) === dir) return cwd;
  }
}
