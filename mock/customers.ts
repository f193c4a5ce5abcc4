/**
 * Realistic generated customers for the mock (`npm run mock -- --customers N`), seeded with @faker-js/faker so
 * that the same seed gives the same customers, credentials included. Each has 0 to 3 addresses tagged SHIPPING
 * and/or BILLING with one default per tag, and usually preferences: a preferredSite among the tenant's sites and
 * a preferredCurrency. Storefront developers get many customers to log in with; the derivation check
 * (tests/derivation-generated.spec.ts) compares each one's context with the derivation oracle.
 */
import { Faker, en } from '@faker-js/faker';
import type { SeedAddress, SeedCustomer, SeedTenant } from './domain/types.js';

export interface GenerateOptions {
  /** Seeds the generator; the same seed gives the same customers. */
  seed?: number;
  /** Share (0..1) of profiles whose addresses have two defaults for a tag, which no document resolves. */
  ambiguous?: number;
}

export function generateCustomers(tenant: SeedTenant, count: number, options: GenerateOptions = {}): SeedCustomer[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed ?? 1);
  const sites = tenant.sites;
  const countries = [...new Set(sites.flatMap((s) => [...(s.shipToCountries ?? []), s.homeBase?.address?.country ?? '']).filter(Boolean))];
  const currencies = [...new Set(sites.flatMap((s) => [s.currency, ...(s.availableCurrencies ?? [])]))];
  const customers: SeedCustomer[] = [];
  for (let i = 1; i <= count; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const id = `G${String(i).padStart(7, '0')}`;
    const name = `${firstName} ${lastName}`;
    const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const addresses: SeedAddress[] = [];
    for (const tags of faker.helpers.arrayElement([[], [['SHIPPING']], [['BILLING']], [['SHIPPING', 'BILLING']], [['SHIPPING'], ['BILLING']], [['SHIPPING'], ['SHIPPING'], ['BILLING']]])) {
      addresses.push({
        id: `${id}-A${addresses.length + 1}`,
        contactName: name,
        street: faker.location.street(),
        streetNumber: faker.location.buildingNumber(),
        zipCode: faker.location.zipCode(),
        city: faker.location.city(),
        country: faker.helpers.arrayElement(countries),
        tags: [...tags],
        isDefault: false,
      });
    }
    // One default per tag (the first address carrying it), so "the default shipping address" is settled.
    for (const tag of ['SHIPPING', 'BILLING']) {
      const first = addresses.find((a) => a.tags?.includes(tag));
      if (first) first.isDefault = true;
    }
    if (addresses.length > 1 && faker.number.float() < (options.ambiguous ?? 0)) for (const a of addresses) a.isDefault = true;
    const site = faker.helpers.maybe(() => faker.helpers.arrayElement(sites), { probability: 0.7 });
    const currency = faker.helpers.maybe(() => faker.helpers.arrayElement(site?.availableCurrencies ?? currencies), { probability: 0.7 });
    customers.push({
      email: `${local}.${i}@customers.example`,
      password: faker.internet.password({ length: 14 }),
      profile: {
        id,
        customerNumber: id,
        firstName,
        lastName,
        ...(currency ? { preferredCurrency: currency } : {}),
        ...(site ? { preferredSite: site.code } : {}),
        ...(faker.datatype.boolean() ? { preferredLanguage: faker.helpers.arrayElement(site?.languages ?? ['en']) } : {}),
        addresses,
      },
    });
  }
  return customers;
}
