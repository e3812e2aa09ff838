/*
 *  node_events.h -- event handling shared by condrate's fixed-step neurons.
 *
 *  NEST's conductance models handle spikes, currents and recording requests the same
 *  way; these helpers hold that once. Receptor conventions are NEST's: currents and
 *  recorders on port 0; spikes on port 0 with the weight's sign choosing excitation or
 *  inhibition (iaf_cond_exp, hh_cond_exp_traub), or on ports 1..n (glif_cond).
 */

#ifndef CONDRATE_NODE_EVENTS_H
#define CONDRATE_NODE_EVENTS_H

#include <string>

// Includes from nestkernel:
#include "event.h"
#include "exceptions.h"
#include "kernel_manager.h"
#include "ring_buffer.h"

namespace condrate
{

//! Port 0, the only one this model has for the event; any other is refused.
inline size_t
port_zero( size_t receptor_type, const std::string& model )
{
  if ( receptor_type != 0 )
  {
    throw nest::UnknownReceptorType( receptor_type, model );
  }
  return 0;
}

//! The step, relative to the current slice, at which the event is delivered.
inline long
delivery_step( nest::Event& e )
{
  return e.get_rel_delivery_steps( nest::kernel().simulation_manager.get_slice_origin() );
}

//! One port, the weight's sign: positive excitatory, negative inhibitory (added as |w|, nS).
inline void
add_signed_spike( nest::SpikeEvent& e, nest::RingBuffer& excitatory, nest::RingBuffer& inhibitory )
{
  const double w = e.get_weight() * e.get_multiplicity();
  if ( e.get_weight() > 0.0 )
  {
    excitatory.add_value( delivery_step( e ), w );
  }
  else
  {
    inhibitory.add_value( delivery_step( e ), -w );
  }
}

//! A current event's weighted current (pA) into the buffer of injected currents.
inline void
add_current( nest::CurrentEvent& e, nest::RingBuffer& currents )
{
  currents.add_value( delivery_step( e ), e.get_weight() * e.get_current() );
}

//! The spike test event a node sends to a target when it is connected.
inline size_t
send_spike_test( nest::Node& sender, nest::Node& target, size_t receptor_type )
{
  nest::SpikeEvent e;
  e.set_sender( sender );
  return target.handles_test_event( e, receptor_type );
}

}  // namespace condrate

#endif
