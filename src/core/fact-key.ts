// The one key of a declared fact (kind name + args): the probe runs each key once, the Facts look values up by it.

/** `swap`, or `sysctl:{"names":["net.ipv4.ip_forward"]}`: args as JSON, in the order the module gave them. */
export function factKey(fact: string, args?: unknown): string {
  return args === undefined ? fact : `${fact}:${JSON.stringify(args)}`;
}
