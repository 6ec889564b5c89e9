// Renders a page view to a complete HTML document. preact-render-to-string escapes every text and attribute
// value, so task data (titles, comments, names typed by officials) can never become markup.
import { render } from 'preact-render-to-string';
import type { PageView } from './model.ts';
import {
  BadRequestPage,
  ClosedPage,
  DecidedPage,
  ErrorPage,
  RecordedPage,
  RefusedPage,
} from './outcomes.tsx';
import { TaskPage } from './task.tsx';

function body(view: PageView) {
  switch (view.page) {
    case 'task':
      return (
        <TaskPage
          frame={view.frame}
          task={view.task}
          form={view.form}
          formToken={view.formToken}
          input={view.input}
          errors={view.errors}
          uploads={view.uploads}
          justUploaded={view.justUploaded}
          refusedUpload={view.refusedUpload}
          removed={view.removed}
        />
      );
    case 'recorded':
      return (
        <RecordedPage frame={view.frame} task={view.task} decision={view.decision} delivery={view.delivery} />
      );
    case 'decided':
      return (
        <DecidedPage
          frame={view.frame}
          task={view.task}
          decision={view.decision}
          lateUpload={view.lateUpload}
        />
      );
    case 'closed':
      return <ClosedPage frame={view.frame} task={view.task} status={view.status} closedAt={view.closedAt} />;
    case 'refused':
      return <RefusedPage frame={view.frame} reason={view.reason} at={view.at} handedTo={view.handedTo} />;
    case 'bad-request':
      return <BadRequestPage frame={view.frame} reason={view.reason} />;
    case 'error':
      return <ErrorPage frame={view.frame} />;
  }
}

export function renderPage(view: PageView): string {
  return `<!DOCTYPE html>${render(body(view))}`;
}
