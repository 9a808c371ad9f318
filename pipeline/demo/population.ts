import { createRandom, type Random } from './random.ts';

/**
 * The fixed cast of the demo center: agents in teams under supervisors, queues, contact
 * reasons (spelled inconsistently, as agents type them) and a customer population whose phone
 * numbers follow Brazil's population by area code. Everything derives from the seed.
 */

export interface Team {
  name: string;
  supervisor: string;
  queues: readonly string[];
}

export interface Agent {
  id: string;
  name: string;
  team: Team;
  /** Multiplies the chance that this agent's customers call back (1 = average). */
  callbackPropensity: number;
  /** Multiplies talk time. */
  pace: number;
}

export interface Reason {
  /** Spellings agents actually type; the first is the canonical one. */
  variants: readonly string[];
  queue: string;
  /** Share of calls for this reason. */
  weight: number;
  /** Base chance that a call for this reason is followed by a callback. */
  callbackRate: number;
  meanTalkSeconds: number;
}

export const TEAMS: readonly Team[] = [
  { name: 'Equipe Ipê', supervisor: 'Mariana Couto', queues: ['Suporte Técnico'] },
  { name: 'Equipe Jacarandá', supervisor: 'Ricardo Almeida', queues: ['Suporte Técnico'] },
  { name: 'Equipe Aroeira', supervisor: 'Patrícia Nogueira', queues: ['Financeiro'] },
  { name: 'Equipe Jatobá', supervisor: 'Fernando Tavares', queues: ['Financeiro', 'Ouvidoria'] },
  { name: 'Equipe Peroba', supervisor: 'Luciana Barros', queues: ['Comercial', 'Retenção'] },
  { name: 'Equipe Cedro', supervisor: 'Eduardo Pacheco', queues: ['Retenção', 'Ouvidoria'] },
];

export const REASONS: readonly Reason[] = [
  { variants: ['2ª via de boleto', '2a Via Boleto', '2ª VIA DE BOLETO', '2a via de boleto'], queue: 'Financeiro', weight: 16, callbackRate: 0.05, meanTalkSeconds: 180 },
  { variants: ['Sem sinal', 'SEM SINAL', 'sem sinal ', 'Sem Sinal'], queue: 'Suporte Técnico', weight: 12, callbackRate: 0.3, meanTalkSeconds: 420 },
  { variants: ['Sem internet', 'Sem Internet', 'SEM INTERNET'], queue: 'Suporte Técnico', weight: 10, callbackRate: 0.26, meanTalkSeconds: 480 },
  { variants: ['Lentidão', 'Lentidao', 'LENTIDÃO', 'lentidão'], queue: 'Suporte Técnico', weight: 8, callbackRate: 0.22, meanTalkSeconds: 450 },
  { variants: ['Fatura contestada', 'Fatura Contestada', 'FATURA CONTESTADA'], queue: 'Financeiro', weight: 9, callbackRate: 0.18, meanTalkSeconds: 360 },
  { variants: ['Cancelamento', 'cancelamento', 'CANCELAMENTO'], queue: 'Retenção', weight: 7, callbackRate: 0.14, meanTalkSeconds: 540 },
  { variants: ['Mudança de plano', 'Mudanca de plano', 'MUDANÇA DE PLANO', 'Mudança de Plano'], queue: 'Comercial', weight: 7, callbackRate: 0.08, meanTalkSeconds: 300 },
  { variants: ['Portabilidade', 'portabilidade', 'PORTABILIDADE'], queue: 'Retenção', weight: 4, callbackRate: 0.16, meanTalkSeconds: 390 },
  { variants: ['Reclamação Anatel', 'Reclamacao ANATEL', 'reclamação anatel', 'RECLAMAÇÃO ANATEL'], queue: 'Ouvidoria', weight: 3, callbackRate: 0.24, meanTalkSeconds: 600 },
  { variants: ['Negociação de débito', 'Negociacao de debito', 'Negociação de Débito'], queue: 'Financeiro', weight: 6, callbackRate: 0.1, meanTalkSeconds: 330 },
  { variants: ['Alteração cadastral', 'Alteracao cadastral', 'ALTERAÇÃO CADASTRAL'], queue: 'Comercial', weight: 5, callbackRate: 0.04, meanTalkSeconds: 200 },
  { variants: ['Modem com defeito', 'Modem com Defeito', 'MODEM COM DEFEITO'], queue: 'Suporte Técnico', weight: 5, callbackRate: 0.2, meanTalkSeconds: 510 },
  { variants: ['Religação', 'Religacao', 'religação'], queue: 'Financeiro', weight: 4, callbackRate: 0.12, meanTalkSeconds: 240 },
  { variants: ['Dúvida sobre protocolo', 'Duvida sobre protocolo', 'Dúvida Sobre Protocolo'], queue: 'Ouvidoria', weight: 4, callbackRate: 0.07, meanTalkSeconds: 150 },
];

const AGENT_NAMES = [
  'Ana Paula Ferreira', 'Bruno Henrique Costa', 'Camila Rodrigues', 'Diego Martins', 'Eduarda Lima', 'Felipe Araújo',
  'Gabriela Souza', 'Gustavo Pereira', 'Helena Carvalho', 'Igor Nascimento', 'Juliana Ribeiro', 'João Victor Alves',
  'Larissa Gomes', 'Lucas Oliveira', 'Letícia Santos', 'Marcelo Barbosa', 'Maria Eduarda Rocha', 'Mateus Correia',
  'Natália Dias', 'Otávio Mendes', 'Paula Cristina Teixeira', 'Pedro Henrique Moreira', 'Rafaela Cardoso', 'Rodrigo Freitas',
  'Sabrina Monteiro', 'Thiago Vieira', 'Vanessa Cunha', 'Vinícius Ramos', 'Yasmin Castro', 'André Luiz Pinto',
  'Beatriz Azevedo', 'Caio Fernandes', 'Daniela Moura', 'Emanuel Batista', 'Fernanda Lopes', 'Gilberto Siqueira',
  'Isabela Farias', 'Jéssica Machado', 'Leonardo Campos', 'Mônica Duarte', 'Nathan Brito', 'Priscila Antunes',
  'Renato Queiroz', 'Simone Prado', 'Túlio Magalhães', 'Viviane Rezende',
];

export function agentsFor(seed: number): Agent[] {
  return AGENT_NAMES.map((name, index) => {
    const random = createRandom(seed, 'agent', index);
    // Log-normal: most agents near average, a few clearly better or worse.
    const propensity = Math.min(3, Math.max(0.35, Math.exp(random.normal(0, 0.5))));
    return {
      id: `AG${String(101 + index).padStart(4, '0')}`,
      name,
      team: TEAMS[index % TEAMS.length]!,
      callbackPropensity: propensity,
      pace: Math.min(1.8, Math.max(0.6, random.normal(1, 0.18))),
    };
  });
}

/** Area codes with population in millions (IBGE, rounded): SP, RJ and MG dominate. */
const DDD_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [11, 21], [12, 2.5], [13, 1.8], [14, 1.8], [15, 2.5], [16, 2.3], [17, 1.5], [18, 1], [19, 3.5],
  [21, 12], [22, 1], [24, 1.2], [27, 3], [28, 0.8],
  [31, 6], [32, 1.5], [33, 1.3], [34, 2.4], [35, 1.5], [37, 1.2], [38, 1.5],
  [41, 3.7], [42, 1.2], [43, 1.5], [44, 1.2], [45, 1.2], [46, 0.6], [47, 2], [48, 1.3], [49, 1.3],
  [51, 4.5], [53, 1.2], [54, 1.3], [55, 1],
  [61, 4.5], [62, 3.5], [63, 1.6], [64, 1.5], [65, 2], [66, 1], [67, 2.8], [68, 0.9], [69, 1.8],
  [71, 4.5], [73, 1.3], [74, 1], [75, 2], [77, 1.3], [79, 2.3],
  [81, 4], [82, 3.3], [83, 4], [84, 3.5], [85, 4.5], [86, 2], [87, 1.3], [88, 1.8], [89, 1.3],
  [91, 4.5], [92, 2.5], [93, 1.3], [94, 1.3], [95, 0.6], [96, 0.8], [97, 0.5], [98, 4.3], [99, 2.7],
];

const DDD_CUMULATIVE = DDD_WEIGHTS.reduce<number[]>((sums, [, weight]) => [...sums, (sums.at(-1) ?? 0) + weight], []);

/** Binary search over cumulative weights: customers are drawn hundreds of thousands of times. */
function pickDdd(uniform: number): number {
  const target = uniform * DDD_CUMULATIVE.at(-1)!;
  let low = 0;
  let high = DDD_CUMULATIVE.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (DDD_CUMULATIVE[middle]! > target) high = middle;
    else low = middle + 1;
  }
  return DDD_WEIGHTS[low]![0];
}

/** Customers are addressed by index and derived on demand: a large population costs nothing. */
export const CUSTOMER_POPULATION = 300_000;

export type Customer =
  | { kind: 'mobile' | 'landline'; ddd: number; subscriber: string }
  | { kind: 'international'; number: string };

const INTERNATIONAL = ['+1 415 555 2671', '+351 21 123 4567', '+54 11 4321-8765', '+44 20 7946 0958', '+1 (305) 555-0147', '+598 2 915 0000'];

export function customerAt(seed: number, index: number): Customer {
  const random = createRandom(seed, 'customer', index);
  const roll = random.next();
  if (roll < 0.006) return { kind: 'international', number: random.pick(INTERNATIONAL).replace(/\d{4}$/, String(1000 + (index % 9000))) };
  const ddd = pickDdd(random.next());
  if (roll < 0.84) return { kind: 'mobile', ddd, subscriber: `9${random.int(6, 9)}${digits(random, 7)}` };
  return { kind: 'landline', ddd, subscriber: `${random.int(2, 5)}${digits(random, 7)}` };
}

const CARRIERS = ['12', '14', '15', '21', '31', '41'];
const WITHHELD = ['anonymous', 'Anônimo', 'RESTRITO', 'privado', 'Unknown'];

/** The number as one platform received it on one call: the same customer shows up in many formats. */
export function numberAsReceived(customer: Customer, random: Random): string {
  if (customer.kind === 'international') return customer.number;
  const { ddd, subscriber } = customer;
  const split = (text: string) => `${text.slice(0, -4)}-${text.slice(-4)}`;
  if (customer.kind === 'landline') {
    return random.weighted(
      [
        [`${ddd} ${split(subscriber)}`, 4],
        [`(${ddd}) ${split(subscriber)}`, 3],
        [`0${ddd}${subscriber}`, 1.5],
        [`+55 ${ddd} ${split(subscriber)}`, 1.5],
      ] as const,
      ([, weight]) => weight,
    )[0];
  }
  return random.weighted(
    [
      [`+55 (${ddd}) ${split(subscriber)}`, 3],
      [`${ddd}${subscriber}`, 1.5],
      [`0${ddd}${subscriber}`, 1.2],
      [`0${random.pick(CARRIERS)}${ddd}${subscriber}`, 1],
      // Old 8-digit mobile format, still sent by some trunks.
      [`(${ddd}) ${split(subscriber.slice(1))}`, 1],
      [`55${ddd}${subscriber}`, 1.3],
      [`+55${ddd}${subscriber}`, 1],
    ] as const,
    ([, weight]) => weight,
  )[0];
}

export function withheldNumber(random: Random): string {
  return random.pick(WITHHELD);
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let index = 0; index < count; index++) text += String(random.int(0, 9));
  // An all-equal subscriber is a test number (SPEC §2.6); avoid generating one by accident.
  return /^(\d)\1+$/.test(text) ? `${text.slice(0, -1)}${(Number(text.at(-1)) + 1) % 10}` : text;
}
