// How a planned `provide` step reads in a plan (--check, --json, render): what runs where; never its output.
import { displayCommand } from './command.js';
import type { Step } from './types.js';

export type ProvideStep = Extract<Step, { kind: 'provide' }>;

/** "kubeadm token create … on the first ready of cp1, cp2 (secret output, made once per run)". */
export function describeProvide(step: ProvideStep): string {
  const where = step.on.length === 1 ? `on ${step.on[0]}` : `on the first ready of ${step.on.join(', ')}`;
  return `${displayCommand(step.command)} ${where} (secret output, made once per run)`;
}
