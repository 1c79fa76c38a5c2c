import type { TrackerKind } from '../domain/tracker';
import { azure } from './azure';
import { generic } from './generic';
import { github } from './github';
import { gitlab } from './gitlab';
import { jira } from './jira';
import { linear } from './linear';
import type { Tracker } from './tracker';

export const TRACKERS: Record<TrackerKind, Tracker> = { jira, github, azure, linear, gitlab, generic };
