// Every page of a DigitalOcean list, as the API pages it: as many items a page as it allows, until it names
// no next page (or sends an empty one, so a server that always names one cannot loop forever).

/** The API's largest page: the fewest requests for a whole list. */
const PAGE_SIZE = 200;

interface ListPage {
  links?: { pages?: { next?: string } };
}

export async function allPages<Page extends ListPage, Item>(
  fetchPage: (query: { page: number; per_page: number }) => Promise<Page>,
  itemsOf: (page: Page) => Item[],
): Promise<Item[]> {
  const all: Item[] = [];
  for (let page = 1; ; page++) {
    const data = await fetchPage({ page, per_page: PAGE_SIZE });
    const items = itemsOf(data);
    all.push(...items);
    if (!data.links?.pages?.next || items.length === 0) return all;
  }
}
