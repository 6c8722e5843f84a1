export { setup as default } from './report';
