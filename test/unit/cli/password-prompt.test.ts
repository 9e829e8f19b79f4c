import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inquirerPrompter } from '../../../src/core/prompts.js';

/** A fake terminal: keys typed into `input`, the screen gathered from `output`. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  let screen = '';
  const output = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        screen += chunk.toString();
        callback();
      },
    }),
    { isTTY: true, columns: 80, rows: 24 },
  );
  const shown = async (text: string | RegExp) => {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      const plain = screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      if (typeof text === 'string' ? plain.includes(text) : text.test(plain)) return;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`never shown: ${String(text)}\n${screen}`);
  };
  return { input, output, shown, screen: () => screen, type: (keys: string) => input.write(keys) };
}

const policy = (v: string) =>
  v.length >= 8 && /\d/.test(v) && /[A-Z]/.test(v) ? true : 'The password needs at least 8 characters, a digit and an upper-case letter';

describe('the hidden password prompt', () => {
  it('a password the check rejects is cleared: the next try starts empty, not after the hidden characters', async () => {
    const term = fakeTerminal();
    const prompt = inquirerPrompter(undefined, { input: term.input, output: term.output });
    const answer = prompt.password({ message: 'Password', validate: policy });
    await term.shown('Password');
    term.type('weak\r');
    await term.shown('needs at least 8 characters');
    // Typed as a user would after the error: just the new password, nothing deleted first.
    term.type('Str0ngpass\r');
    await expect(answer).resolves.toBe('Str0ngpass');
  });

  it('every try starts empty, however many were rejected, and the last frame after a rejection shows no mask of it', async () => {
    const term = fakeTerminal();
    const prompt = inquirerPrompter(undefined, { input: term.input, output: term.output });
    const answer = prompt.password({ message: 'Password', validate: policy, tries: 3 });
    await term.shown('Password');
    term.type('abc\r');
    await term.shown(/Password\s*\n.*needs at least/);
    term.type('de\r');
    await term.shown(/needs at least[\s\S]*needs at least/);
    // The frame drawn for the second rejection: the prompt's line is empty again.
    expect(
      term
        .screen()
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
        .split('> The password')
        .at(-2),
    ).toMatch(/Password\s*$/);
    term.type('Sec0ndTry\r');
    await expect(answer).resolves.toBe('Sec0ndTry');
  });
});
