export { JiraConnector } from './JiraConnector';
export {
  readSettings as readJiraSettings,
  type JiraSettings,
} from './settings';
