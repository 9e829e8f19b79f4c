import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkProjectConfig } from '../../../src/core/project-config.js';
import { buildStackModel, buildStackSettings } from '../../../src/core/stack-model.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => tmp.cleanup());

describe('the pictures setting', () => {
  it('takes true, false or { corsOrigins }, and names the key of anything else', () => {
    expect(checkProjectConfig({ pictures: true })).toEqual({ config: { pictures: true }, problems: [] });
    expect(checkProjectConfig({ pictures: { corsOrigins: ['https://app.example.com/'] } }).config).toEqual({
      pictures: { corsOrigins: ['https://app.example.com'] },
    });
    expect(checkProjectConfig({ pictures: 'yes' }).problems).toEqual([expect.stringMatching(/^"pictures" must be true, false or an object/)]);
    expect(checkProjectConfig({ pictures: { corsOrigin: 'x' } }).problems).toEqual([
      expect.stringContaining('"pictures.corsOrigin" is not a setting authstack knows'),
    ]);
    expect(checkProjectConfig({ pictures: { corsOrigins: ['not an origin'] } }).problems).toEqual([expect.stringContaining('"pictures.corsOrigins[0]"')]);
  });

  it("is off unless set; --pictures (true) turns it on and keeps the configuration's own pictures settings", () => {
    expect(buildStackModel().pictures).toBeUndefined();
    expect(buildStackModel({ pictures: false }).pictures).toBeUndefined();
    const settings = buildStackSettings({ pictures: { corsOrigins: ['https://app.example.com'] } }, { pictures: true });
    expect(buildStackModel(settings).pictures?.corsOrigins).toEqual(['https://app.example.com']);
    expect(buildStackModel({ corsOrigin: 'https://app.example.com', pictures: true }).pictures?.corsOrigins).toEqual(['https://app.example.com']);
  });

  it('a config file with a bad pictures value is refused naming the key', async () => {
    await writeFile(join(tmp.dir, 'authstack.config.json'), JSON.stringify({ pictures: 1 }));
    const r = await runCli(['synth'], { cwd: tmp.dir, env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"pictures" must be true, false or an object');
  });
});
