import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProjectDir } from '../../../src/core/project.js';

/** A file system of the given paths only. */
const fs =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('findProjectDir', () => {
  it('finds the nearest folder above with .authstack/', () => {
    expect(findProjectDir('/repo/app/src/components', fs('/repo/app/.authstack', '/repo/.git'))).toBe('/repo/app');
  });

  it('finds a folder with authstack.config.json (a project deployed but never run locally)', () => {
    expect(findProjectDir('/repo/app/src', fs('/repo/app/authstack.config.json'))).toBe('/repo/app');
  });

  it('takes the nearest of two nested projects', () => {
    expect(findProjectDir('/a/b/c', fs('/a/.authstack', '/a/b/.authstack'))).toBe('/a/b');
  });

  it('stops at the repository root: a project above the repository is not this one', () => {
    expect(findProjectDir('/home/ada/repo/src', fs('/home/ada/.authstack', '/home/ada/repo/.git'))).toBe('/home/ada/repo/src');
  });

  it('finds the project at the repository root itself', () => {
    expect(findProjectDir('/repo/src', fs('/repo/.git', '/repo/.authstack'))).toBe('/repo');
  });

  it('is the working folder when no project is found up to the file system root', () => {
    expect(findProjectDir(join('/', 'tmp', 'x'), fs())).toBe('/tmp/x');
  });
});
