export { JiraConnector } from './JiraConnector';
