import { seededRandom } from './sim-server';

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas'];
const LAST = ['Schmidt', 'Miller', 'Weber', 'Taylor', 'Fischer', 'Evans', 'Wagner', 'Brown', 'Becker', 'Wilson'];
const STREETS = ['Hauptstrasse', 'High Street', 'Bahnhofstrasse', 'Station Road', 'Gartenweg', 'Church Lane'];
const CITIES: Record<string, [string, string][]> = {
  DE: [
    ['Hamburg', '20095'],
    ['Berlin', '10115'],
    ['Munich', '80331'],
  ],
  GB: [
    ['Leeds', 'LS1 1AA'],
    ['Bristol', 'BS1 4DJ'],
    ['York', 'YO1 7HH'],
  ],
};

/** A made-up customer with a postal address, deterministic for a seed: demo data only, nobody real. */
export const demoPerson = (seed: number, countryCode: string) => {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const firstName = pick(FIRST);
  const lastName = pick(LAST);
  const [city, zipCode] = pick(CITIES[countryCode] ?? CITIES.DE ?? []);
  return {
    firstName,
    lastName,
    email: `${firstName}.${lastName}.${seed}@example.com`.toLowerCase(),
    phone: `+49 40 ${String(100000 + (seed % 900000))}`,
    street: pick(STREETS),
    houseNumber: String(1 + Math.floor(random() * 120)),
    zipCode,
    city,
    countryCode,
  };
};
