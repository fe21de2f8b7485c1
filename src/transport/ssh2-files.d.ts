// The three files of ssh2 that ssh2-lib.ts imports directly (@types/ssh2 types the package's index only).
declare module 'ssh2/lib/client.js' {
  const client: unknown;
  export default client;
}
declare module 'ssh2/lib/protocol/keyParser.js' {
  const keyParser: unknown;
  export default keyParser;
}
declare module 'ssh2/lib/agent.js' {
  const agent: unknown;
  export default agent;
}
