/**
 * The support desk: tickets, their states, priorities, comments, links and SLA clocks with the
 * FSC calendar. Depends on no other feature but audit and staff.
 */
package dk.fsc.service.tickets;
