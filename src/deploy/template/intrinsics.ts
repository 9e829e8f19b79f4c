/** CloudFormation's intrinsic functions in their JSON (long) form, typed loosely: the template is data. */

export type Intrinsic = { readonly [name: string]: unknown };

export const ref = (name: string): Intrinsic => ({ Ref: name });
export const sub = (text: string, variables?: Record<string, unknown>): Intrinsic => ({ 'Fn::Sub': variables ? [text, variables] : text });
export const getAtt = (resource: string, attribute: string): Intrinsic => ({ 'Fn::GetAtt': [resource, attribute] });
export const split = (delimiter: string, value: unknown): Intrinsic => ({ 'Fn::Split': [delimiter, value] });
export const select = (index: number, list: unknown): Intrinsic => ({ 'Fn::Select': [index, list] });
export const equals = (a: unknown, b: unknown): Intrinsic => ({ 'Fn::Equals': [a, b] });
export const not = (value: unknown): Intrinsic => ({ 'Fn::Not': [value] });
export const and = (...values: unknown[]): Intrinsic => ({ 'Fn::And': values });
export const condition = (name: string): Intrinsic => ({ Condition: name });
export const ifThen = (name: string, then: unknown, otherwise: unknown): Intrinsic => ({ 'Fn::If': [name, then, otherwise] });
export const NO_VALUE = ref('AWS::NoValue');

/** True when the parameter is not empty. */
export const isSet = (parameter: string): Intrinsic => not(equals(ref(parameter), ''));
