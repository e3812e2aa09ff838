/*
 *  fixed_step.h -- the integration scheme shared by condrate's fixed-step neurons.
 *
 *  NEST's iaf_cond_exp, glif_cond and hh_cond_exp_traub step every neuron with GSL's
 *  adaptive RKF45 controller (about 7 right-hand-side evaluations per 0.1 ms step);
 *  NEST offers no cheaper solver for them. The models of this module take one fixed
 *  step per NEST step (hh_cond_exp_traub_rl: fixed sub-steps, finer at spike initiation):
 *
 *  - synaptic conductances are propagated exactly (they are linear), and the membrane
 *    sees their exact mean over the step, not their start-of-step value;
 *  - the membrane equation C dV/dt = -G (V - V_inf) is advanced by exponential Euler:
 *    exact for G and V_inf frozen at their step means, stable for any G;
 *  - gating variables (hh) by Rush-Larsen: dx/dt = a(V) - (a + b) x exact for frozen V.
 *
 *  Times in ms, conductances in nS, capacitance in pF, potentials in mV, currents in pA.
 */

#ifndef CONDRATE_FIXED_STEP_H
#define CONDRATE_FIXED_STEP_H

#include <cmath>

namespace condrate
{

//! Mean of g(t) = exp(-t / tau) over [0, h]: tau / h * (1 - exp(-h / tau)).
inline double
exp_kernel_mean( double h, double tau )
{
  return -tau / h * std::expm1( -h / tau );
}

//! Mean of t exp(-t / tau) over [0, h] (the alpha kernel's dg term), in ms.
inline double
alpha_kernel_mean( double h, double tau )
{
  const double decay = std::exp( -h / tau );
  return ( tau * tau * ( 1.0 - decay ) - tau * h * decay ) / h;
}

/**
 * One exponential-Euler step of C dV/dt = -G (V - V_inf) over h: G is the total
 * conductance (nS), G_V_inf = G * V_inf the sum of conductance-weighted reversal
 * potentials plus the injected current (pA), h_over_C = h / C (ms/pF).
 */
inline double
exp_euler( double V, double G, double G_V_inf, double h_over_C )
{
  const double V_inf = G_V_inf / G;
  return V_inf + ( V - V_inf ) * std::exp( -G * h_over_C );
}

}  // namespace condrate

#endif
