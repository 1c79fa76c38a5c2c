import { makeTemplates } from './databases';

export default makeTemplates;
