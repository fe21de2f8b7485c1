// One import for module authors: change builders, commands, file planning, text edits, schemas, routes.
export { change, combineChanges, noop, type ChangeSpec, type Where } from './change.js';
export { cmd, execStep, type CmdOptions } from './command.js';
export { ensureLine, type EnsureLineOptions } from './ensure-line.js';
export { findBlock, managedBlock, markerLines, type ManagedBlockOptions } from './managed-block.js';
export { planFile, type PlanFileOptions } from './plan-file.js';
export { commandKey } from './probe-key.js';
export { describeRoute, findRoute, routeArgv, routesTo, type RouteFact, type RouteSpec } from './route.js';
export { absolutePath, accountName, argv, fileMode, formatMode, nameList, parseMode, singleLine } from './schema.js';
export { appendLines, joinLines, lineEnding, splitLines, type TextLine } from './text-lines.js';
