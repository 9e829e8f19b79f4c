/**
 * The project's own Cognito triggers, as `authstack.config.json` declares them (`"triggers": { "preSignUp":
 * "auth/pre-sign-up.ts#handler" }`): which triggers there are, the names Cognito gives them (the pool's
 * `LambdaConfig` keys, the trigger's name in its error messages), and the function each one implies.
 *
 * One Lambda function per trigger, built from the handler file as it is (no HTTP wrapper: Cognito calls it with its
 * own event and reads the event it returns), with its own role and log group like every function of the stack.
 */
import { parseHandler } from './routes.js';

/**
 * The triggers authstack wires, by their configuration key, with Cognito's name for each (the `LambdaConfig` key and
 * the trigger's name in `<name> failed with error ...`). Pre token generation is wired as its V2_0 event (ID and
 * access token claims, scopes, group overrides).
 */
export const TRIGGERS = {
  preSignUp: 'PreSignUp',
  postConfirmation: 'PostConfirmation',
  preAuthentication: 'PreAuthentication',
  postAuthentication: 'PostAuthentication',
  preTokenGeneration: 'PreTokenGeneration',
  customMessage: 'CustomMessage',
} as const;

export type TriggerName = keyof typeof TRIGGERS;
export const TRIGGER_NAMES = Object.keys(TRIGGERS) as TriggerName[];

/** Trigger name → handler (`<file>#<export>`), as the configuration holds it. */
export type TriggerSettings = Partial<Readonly<Record<TriggerName, string>>>;

/** A trigger in the model: its name and the function that runs it. */
export interface TriggerModel {
  readonly name: TriggerName;
  /** The function's id in the model (`trigger-pre-sign-up`). */
  readonly functionId: string;
  /** The handler as the configuration names it. */
  readonly handler: string;
}

/**
 * Cognito waits about five seconds for a trigger, whatever the function's own timeout: a trigger's function gets
 * that as its timeout, since a longer run could not answer.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
 */
export const TRIGGER_TIMEOUT_SECONDS = 5;

/** A trigger's function id: `preSignUp` → `trigger-pre-sign-up`. */
function triggerFunctionId(name: TriggerName): string {
  return `trigger-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The trigger a function id belongs to, when it is a trigger's. */
function isTriggerName(value: string): value is TriggerName {
  return Object.hasOwn(TRIGGERS, value);
}

/** The configuration's `triggers`, checked: known names, handlers as routes name them. */
export function checkTriggers(value: unknown, key: string, problems: string[]): TriggerSettings | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return void problems.push(`"${key}" must be an object of trigger name → handler, such as {"preSignUp": "auth/pre-sign-up.ts#handler"}`);
  }
  const before = problems.length;
  const out: Record<string, string> = {};
  for (const [name, handler] of Object.entries(value)) {
    const at = `${key}.${name}`;
    if (!isTriggerName(name)) {
      problems.push(`"${at}" is not a trigger authstack knows (known: ${TRIGGER_NAMES.join(', ')})`);
      continue;
    }
    if (typeof handler !== 'string' || !parseHandler(handler)) {
      problems.push(
        `"${at}" must name a file in the project and its export, such as "auth/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts#handler", got ${JSON.stringify(handler)}`,
      );
      continue;
    }
    out[name] = handler;
  }
  return problems.length === before ? out : undefined;
}

/** The declared triggers, in the order of `TRIGGERS`. */
export function triggerModels(settings: TriggerSettings = {}): TriggerModel[] {
  return TRIGGER_NAMES.filter((name) => settings[name] !== undefined && parseHandler(settings[name]) !== undefined).map((name) => ({
    name,
    functionId: triggerFunctionId(name),
    handler: settings[name]!,
  }));
}

/**
 * Every problem with the triggers' handlers, each naming its key (`"triggers.preSignUp"`): the file exists inside
 * the project, compiles and exports the name, as the routes' handlers are checked.
 */
export async function checkTriggerHandlers(projectDir: string, triggers: TriggerSettings): Promise<string[]> {
  const [{ stat }, { relative, resolve }, { moduleExports }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('./route-handlers.js'),
  ]);
  const problems: string[] = [];
  for (const { name, handler } of triggerModels(triggers)) {
    const at = `"triggers.${name}"`;
    const parsed = parseHandler(handler);
    if (!parsed) continue;
    const path = resolve(projectDir, parsed.file);
    if (relative(projectDir, path).startsWith('..')) {
      problems.push(`${at}: ${parsed.file} is outside the project`);
      continue;
    }
    if (
      !(await stat(path).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      problems.push(`${at}: there is no file ${parsed.file} in ${projectDir}`);
      continue;
    }
    const result = await moduleExports(projectDir, path);
    if ('error' in result) problems.push(`${at}: ${result.error}`);
    else if (!result.exports.includes(parsed.export)) {
      problems.push(`${at}: ${parsed.file} has no export "${parsed.export}" (it exports ${result.exports.join(', ') || 'nothing'})`);
    }
  }
  return problems;
}
