import { storedFormsOf } from '../../src/domain/item-url';

describe('the stored forms of a shared tracker link', () => {
  test.each([
    ['https://shop.atlassian.net/browse/SHOP-12?focusedCommentId=10001', 'https://shop.atlassian.net/browse/SHOP-12'],
    ['https://github.com/octo-org/shop/issues/7#issuecomment-1', 'https://github.com/octo-org/shop/issues/7'],
    ['https://GitLab.com/group/shop/-/issues/3/', 'https://gitlab.com/group/shop/-/issues/3'],
    ['https://linear.app/acme/issue/ENG-5/some-title', 'https://linear.app/acme/issue/ENG-5/some-title'],
    [
      'https://dev.azure.com/org/Fabrikam/_workitems/edit/12?a=1&amp;b=2',
      'https://dev.azure.com/org/Fabrikam/_workitems/edit/12',
    ],
  ])('%s may be stored as %s', (shared, stored) => {
    expect(storedFormsOf(shared)).toContain(stored);
  });

  test('the link as shared is one of them, and a trailing slash is tried both ways', () => {
    const forms = storedFormsOf('https://github.com/o/r/issues/7');
    expect(forms).toEqual(['https://github.com/o/r/issues/7', 'https://github.com/o/r/issues/7/']);
  });

  test.each(['not a link', 'mailto:someone@example.com', 'javascript:alert(1)', `https://x.io/${'a'.repeat(2_000)}`])(
    'no web address, no forms: %s',
    (shared) => {
      expect(storedFormsOf(shared)).toEqual([]);
    },
  );
});
