/**
 * Billing cycles (enterprise): monthly, each starting on a billing-day boundary (the 1st at
 * 08:00Z), from the month of the first billing day of the history through the running one.
 */
import { dayStartSeconds, formatDay, parseDay } from '../../devin/billing-day.js';
import type { ApiResponse } from '../api-response.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import type { SimulatedDataSet } from '../data-set.js';
import { pagedList } from './directory-listings.js';

export interface SimulatedCycle {
  after: number;
  before: number;
}

export function billingCycles(data: SimulatedDataSet): SimulatedCycle[] {
  const firstOfMonth = (day: number): number => parseDay(`${formatDay(day).slice(0, 7)}-01`) as number;
  const nextMonth = (first: number): number => firstOfMonth(first + 31);
  const cycles: SimulatedCycle[] = [];
  for (let start = firstOfMonth(data.firstDay()); start <= data.today(); start = nextMonth(start)) {
    cycles.push({ after: dayStartSeconds(start), before: dayStartSeconds(nextMonth(start)) });
  }
  return cycles;
}

export function handleCycles(request: EndpointRequest, state: ApiState): ApiResponse {
  return pagedList(request, state, 'cycles', billingCycles(state.data));
}
