export { teardown as default } from './report';
