// Stage 5, policy: every rule over every object (and, in repository mode, over each
// cluster's whole render), then the opt-outs: an object may carry
//   soma.sh/policy-exception: "<rule-id>[,<rule-id>]: <justification>"
// which suppresses those rules' findings on it. The report still lists every exception
// with its justification, and an exception that suppresses nothing is itself reported.
import { ANNOTATIONS } from '../../names.ts';
import { type ObjectItem, lineFor } from '../documents.ts';
import { type ExceptionUse, type Finding, refOf } from '../report.ts';
import { networkPolicyRule, serviceContractRule } from './cluster.ts';
import { argoProjectRule, argoSyncRule, labelsRule, noSecretDataRule } from './objects.ts';
import { pssRestricted, readOnlyRootFilesystem } from './pss.ts';
import type { PolicyContext, Rule } from './types.ts';
import { imagePinnedRule, probesRule, resourcesRule, vaultDevModeRule } from './workload.ts';

export type { PolicyContext, Rule } from './types.ts';

export const RULES: readonly Rule[] = [
  pssRestricted,
  readOnlyRootFilesystem,
  resourcesRule,
  probesRule,
  imagePinnedRule,
  noSecretDataRule,
  networkPolicyRule,
  serviceContractRule,
  vaultDevModeRule,
  argoProjectRule,
  argoSyncRule,
  labelsRule,
];

export const EXCEPTION_RULE = 'SOMA-POLICY-EXCEPTION';

export type ParsedException = { ok: true; rules: string[]; justification: string } | { ok: false; message: string };

/** Parses `<rule-id>[,<rule-id>]: <justification>`. */
export function parseException(value: string): ParsedException {
  const i = value.indexOf(':');
  if (i === -1) return { ok: false, message: `'${value}' has no justification` };
  const rules = value
    .slice(0, i)
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const justification = value.slice(i + 1).trim();
  if (!rules.length) return { ok: false, message: `'${value}' names no rule` };
  if (!justification) return { ok: false, message: `'${value}' has an empty justification` };
  const known = new Set(RULES.map((r) => r.id));
  const unknown = rules.filter((r) => !known.has(r));
  if (unknown.length)
    return { ok: false, message: `names unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` };
  return { ok: true, rules, justification };
}

export function rulesFor(ctx: PolicyContext): Rule[] {
  return RULES.filter((r) => r.scope === 'object' || ctx.mode === 'repository');
}

function findingFor(
  rule: Rule,
  item: ObjectItem | undefined,
  v: { pointer: string; message: string; fix?: string },
): Finding {
  return {
    stage: 'policy',
    severity: 'error',
    rule: rule.id,
    file: item?.file ?? '',
    line: lineFor(item, v.pointer),
    object: item ? refOf(item.object) : undefined,
    pointer: v.pointer,
    message: v.message,
    fix: v.fix ?? rule.fix,
    origins: item?.origin ? [item.origin] : undefined,
    sources: item?.sources,
  };
}

interface Raw {
  item?: ObjectItem;
  finding: Finding;
}

function evaluate(items: readonly ObjectItem[], ctx: PolicyContext, rules: readonly Rule[]): Raw[] {
  const raw: Raw[] = [];
  for (const rule of rules) {
    if (rule.scope === 'object') {
      for (const item of items)
        for (const v of rule.check(item.object, ctx)) raw.push({ item, finding: findingFor(rule, item, v) });
      continue;
    }
    for (const v of rule.check(items, ctx)) {
      const f = findingFor(rule, v.item, v);
      if (!v.item) {
        f.file = v.file ?? '';
        f.object = v.object;
        if (ctx.cluster) f.origins = [ctx.cluster.name];
      }
      raw.push({ item: v.item, finding: f });
    }
  }
  return raw;
}

/** Runs the policy rules; returns the findings left after exceptions, and the exceptions. */
export function runPolicy(
  items: readonly ObjectItem[],
  ctx: PolicyContext,
): { findings: Finding[]; exceptions: ExceptionUse[]; rules: number } {
  const rules = rulesFor(ctx);
  const raw = evaluate(items, ctx, rules);
  const findings: Finding[] = [];
  const exceptions: ExceptionUse[] = [];
  const granted = new Map<ObjectItem, Map<string, ExceptionUse>>();
  for (const item of items) {
    const value = item.object.metadata.annotations?.[ANNOTATIONS.policyException];
    if (value === undefined) continue;
    const parsed = parseException(String(value));
    if (!parsed.ok) {
      findings.push({
        ...findingFor({ id: EXCEPTION_RULE } as Rule, item, {
          pointer: `/metadata/annotations/${ANNOTATIONS.policyException.replaceAll('/', '~1')}`,
          message: `policy exception ${parsed.message}`,
        }),
        fix: `write it as "<rule-id>[,<rule-id>]: <why this object may break the rule>"; rules: ${RULES.map((r) => r.id).join(', ')}`,
      });
      continue;
    }
    const uses = new Map<string, ExceptionUse>();
    for (const rule of parsed.rules) {
      uses.set(rule, {
        rule,
        file: item.file,
        object: refOf(item.object),
        justification: parsed.justification,
        suppressed: 0,
        origins: item.origin ? [item.origin] : undefined,
      });
    }
    granted.set(item, uses);
  }
  for (const r of raw) {
    const use = r.item ? granted.get(r.item)?.get(r.finding.rule) : undefined;
    if (use) use.suppressed++;
    else findings.push(r.finding);
  }
  for (const [item, uses] of granted) {
    for (const use of uses.values()) {
      exceptions.push(use);
      if (use.suppressed === 0 && rules.some((r) => r.id === use.rule)) {
        findings.push({
          ...findingFor({ id: EXCEPTION_RULE } as Rule, item, {
            pointer: `/metadata/annotations/${ANNOTATIONS.policyException.replaceAll('/', '~1')}`,
            message: `exception for ${use.rule} suppresses nothing`,
          }),
          severity: 'warning',
          fix: `remove ${use.rule} from the exception: the object now complies`,
        });
      }
    }
  }
  return { findings, exceptions, rules: rules.length };
}
