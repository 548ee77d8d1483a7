export { PropsError, parseProps } from './prop-errors';
