import { readPath, type PathScope } from './paths.js';
import { evaluateIntrinsic } from './intrinsics.js';

/**
 * Evaluates a JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign):
 * keys ending in `.$` take the value of a path or an intrinsic function call.
 */
export function evaluatePayloadTemplate(template: unknown, scope: PathScope): unknown {
  if (Array.isArray(template)) return template.map((item) => evaluatePayloadTemplate(item, scope));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
    if (key.endsWith('.$')) {
      const expr = String(value);
      out[key.slice(0, -2)] = expr.startsWith('States.') ? evaluateIntrinsic(expr, scope) : readPath(expr, scope);
    } else {
      out[key] = evaluatePayloadTemplate(value, scope);
    }
  }
  return out;
}
