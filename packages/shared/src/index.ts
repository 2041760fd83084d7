export * from './errors';
export * from './events';
export * from './http';
export * from './limits';
export * from './message-id';
export * from './models';
export * from './schemas';
