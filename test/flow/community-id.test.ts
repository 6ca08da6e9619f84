import { describe, expect, it } from 'vitest';
import { communityId } from '../../src/flow/community-id.js';

// Vectors from Zeek's community-id test baseline (testing/btest for community_id_v1)
// and the community-id-spec README; they are the spec's published answers.
describe('communityId', () => {
  const cases: [string, string, number, number, number, number, string][] = [
    ['1.2.3.4', '5.6.7.8', 1122, 3344, 6, 0, '1:wCb3OG7yAFWelaUydu0D+125CLM='],
    ['1.2.3.4', '5.6.7.8', 1122, 3344, 17, 0, '1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg='],
    ['1.2.3.4', '5.6.7.8', 8, 0, 1, 0, '1:crodRHL2FEsHjbv3UkRrfbs4bZ0='],
    ['fe80:1:203:405:607:809:a0b:c0d', 'fe80:1011:1213:1415:1617:1819:1a1b:1c1d', 128, 0, 58, 0, '1:0bf7hyMJUwt3fMED7z8LIfRpBeo='],
    ['1.2.3.4', '5.6.7.8', 1122, 3344, 6, 1, '1:HhA1B+6CoLbiKPEs5nhNYN4XWfk='],
    ['1.2.3.4', '5.6.7.8', 1122, 3344, 17, 1, '1:OShq+iKDAMVouh/4bMxB9Sz4amw='],
    ['1.2.3.4', '5.6.7.8', 8, 0, 1, 1, '1:9pr4ZGTICiuZoIh90RRYE2RyXpU='],
    ['1.2.3.4', '5.6.7.8', 0, 0, 46, 0, '1:ikv3kmf89luf73WPz1jOs49S768='],
  ];
  it.each(cases)('%s -> %s port %i/%i proto %i seed %i', (s, d, sp, dp, proto, seed, want) => {
    expect(communityId(s, d, sp, dp, proto, seed)).toBe(want);
  });

  it('is the same in both directions', () => {
    expect(communityId('5.6.7.8', '1.2.3.4', 3344, 1122, 6)).toBe('1:wCb3OG7yAFWelaUydu0D+125CLM=');
    expect(communityId('5.6.7.8', '1.2.3.4', 0, 0, 1)).toBe('1:crodRHL2FEsHjbv3UkRrfbs4bZ0=');
  });
});
