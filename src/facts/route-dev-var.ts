// The name of the shell variable through which base's one `ip` hands a gateway's route device to a fact's script.

/**
 * The shell variable that base sets to the device of the route to `address` (empty: no route), for a fact that asks
 * for that route (primary-link); none for an address that is not dotted IPv4. Unset when base did not run, so the fact reads the route itself.
 */
export function routeDevVar(address: string): string | undefined {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? `P_dev_${address.replace(/\./g, '_')}` : undefined;
}
