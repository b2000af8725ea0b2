/** Workspace labels: shared by every team (team labels live in each team's settings). */
import { observer } from 'mobx-react-lite';
import { AdminOnly, PageTitle, Section, useIsAdmin } from './kit.tsx';
import { LabelList } from './LabelList.tsx';

/** The screen. */
export const LabelsSettings = observer(function LabelsSettings() {
  const isAdmin = useIsAdmin();
  return (
    <>
      <PageTitle title="Labels" description="Workspace labels can be used by every team. Team labels are set in each team's settings." />
      <Section title="Workspace labels" testId="workspace-labels">
        {!isAdmin && <div className="mb-3"><AdminOnly what="manage workspace labels" /></div>}
        <LabelList teamId={null} canManage={isAdmin} />
      </Section>
    </>
  );
});
