export { createJiraConnector } from './JiraConnector';
export { readSettings as readJiraSettings, type JiraSettings } from './settings';
