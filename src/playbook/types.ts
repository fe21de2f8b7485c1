// A loaded, validated playbook: plays with resolved modules, parsed params, selectors and conditions.
import type { Module, Provider } from '../core/types.js';
import type { Term } from './selector.js';
import type { Expr } from './when.js';

export interface Where {
  file: string;
  line: number;
  col: number;
}

export interface Task {
  /** The task's `name`, or `<module> <short params>` when it has none. */
  name: string;
  module: Module;
  /** Params after the module's schema parsed them (defaults filled). */
  params: unknown;
  when?: { source: string; expr: Expr };
  notify: string[];
  where: Where;
}

export interface Play {
  name: string;
  hosts: string;
  selector: Term[];
  /** Hosts per batch: a count, or a percentage of the play's hosts ("30%"). Undefined: all at once. */
  serial?: number | string;
  tasks: Task[];
  handlers: Task[];
  where: Where;
}

export interface Playbook {
  name: string;
  file: string;
  plays: Play[];
  /** Providers exported by the modules the playbook uses (`export const providers`), by name. */
  providers: Map<string, Provider>;
}
