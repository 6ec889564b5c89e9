// Tags on state machines and activities (TagResource, UntagResource, ListTagsForResource; CreateStateMachine's tags go through
// requests.ts and the store), with AWS's limit of 50 and its errors.
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_TagResource.html
import { SfnApiError } from './api-errors.ts';
import { lastPerKey, MAX_TAGS, tooManyTags } from './requests.ts';
import type { Store } from './store.ts';

type Tag = { key: string; value: string };

export class Tags {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Adds or overwrites tags; more than MAX_TAGS in all is TooManyTags and changes nothing. */
  tag(req: { resourceArn: string; tags: Tag[] }): void {
    const arn = this.taggable(req.resourceArn);
    const tags = lastPerKey(req.tags);
    const keys = new Set([...this.store.tags(arn).map((t) => t.key), ...tags.map((t) => t.key)]);
    if (keys.size > MAX_TAGS) throw tooManyTags(arn);
    this.store.changeTags(arn, tags);
  }

  untag(req: { resourceArn: string; tagKeys: string[] }): void {
    this.store.changeTags(this.taggable(req.resourceArn), [], req.tagKeys);
  }

  list(resourceArn: string): Tag[] {
    return this.store.tags(this.taggable(resourceArn));
  }

  /** A resource that takes tags: "Only state machine and activity ARNs are supported". */
  private taggable(arn: string): string {
    const parts = arn.split(':');
    if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states') {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    }
    const exists =
      parts[5] === 'stateMachine'
        ? this.store.getStateMachine(arn)
        : parts[5] === 'activity' && this.store.activity(arn);
    if (parts.length !== 7 || !exists) {
      throw new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    }
    return arn;
  }
}
