import { randomUUID } from 'node:crypto';
import type { FakeGraph, FakeUser } from './fake-graph';

export const DEPARTMENTS = ['Sales', 'Support', 'Engineering'] as const;

export interface SeededDirectory {
  readonly users: FakeUser[];
  /** Group displayName → Graph id. */
  readonly groups: Record<string, string>;
}

/**
 * A directory like the "Done when" of issue 18: `count` users in three departments (every seventh
 * disabled, a few with cleared values) and five groups.
 */
export function seedDirectory(graph: FakeGraph, count: number, domain = 'contoso.example'): SeededDirectory {
  const users: FakeUser[] = [];
  for (let index = 0; index < count; index += 1) {
    const user: FakeUser = {
      id: randomUUID(),
      userPrincipalName: `user${index}@${domain}`,
      accountEnabled: index % 7 !== 3,
      displayName: `User ${index}`,
      givenName: `Given${index}`,
      surname: `Family${index}`,
      jobTitle: index % 11 === 0 ? null : `Title ${index % 13}`,
      department: DEPARTMENTS[index % 3],
      companyName: 'Contoso',
      mail: `user${index}@${domain}`,
      businessPhones: index % 5 === 0 ? [] : [`+1 555 ${String(1000 + index).padStart(4, '0')}`],
      mobilePhone: index % 4 === 0 ? null : `+1 555 9${String(index).padStart(3, '0')}`,
      officeLocation: `Building ${index % 4}`,
      city: 'Paris',
      country: 'FR',
    };
    graph.addUser(user);
    users.push(user);
  }
  const groups: Record<string, string> = {};
  for (const name of ['All Staff', 'Sales Team', 'Support Team', 'Engineering', 'Managers']) {
    groups[name] = randomUUID();
    graph.addGroup(groups[name] as string, name);
  }
  users.forEach((user, index) => {
    graph.addMember(groups['All Staff'] as string, user.id);
    const department = DEPARTMENTS[index % 3];
    graph.addMember(
      groups[
        department === 'Sales' ? 'Sales Team' : department === 'Support' ? 'Support Team' : 'Engineering'
      ] as string,
      user.id,
    );
    if (index % 20 === 0) graph.addMember(groups.Managers as string, user.id);
  });
  return { users, groups };
}

/** The users the filters keep: Sales or Support, and enabled. */
export function inScope(user: FakeUser): boolean {
  return (user.department === 'Sales' || user.department === 'Support') && user.accountEnabled;
}
