/*
 *  iaf_cond_exp_ee.cpp -- NEST's iaf_cond_exp with a fixed-step scheme.
 *
 *  Same parameters, state, recordables, receptor convention (one port; a negative
 *  weight is inhibitory) and update order as NEST 3.10's iaf_cond_exp: integrate the
 *  step, add the spikes arriving in it to the conductances, refractoriness or
 *  threshold, then read the current for the next step. Only the integrator differs:
 *  exact exponential conductances, and exponential Euler on V with the conductances'
 *  exact means over the step (fixed_step.h), instead of GSL's adaptive RKF45.
 */

#include "condrate_models.h"
#include "fixed_step.h"
#include "node_events.h"

// Includes from nestkernel:
#include "archiving_node.h"
#include "dict_util.h"
#include "event.h"
#include "exceptions.h"
#include "kernel_manager.h"
#include "nest_impl.h"
#include "recordables_map.h"
#include "ring_buffer.h"
#include "universal_data_logger_impl.h"

namespace condrate
{

class iaf_cond_exp_ee : public nest::ArchivingNode
{
public:
  iaf_cond_exp_ee();
  iaf_cond_exp_ee( const iaf_cond_exp_ee& );

  using nest::Node::handle;
  using nest::Node::handles_test_event;

  size_t send_test_event( nest::Node&, size_t, nest::synindex, bool ) override;
  void handle( nest::SpikeEvent& ) override;
  void handle( nest::CurrentEvent& ) override;
  void handle( nest::DataLoggingRequest& ) override;
  size_t handles_test_event( nest::SpikeEvent&, size_t ) override;
  size_t handles_test_event( nest::CurrentEvent&, size_t ) override;
  size_t handles_test_event( nest::DataLoggingRequest&, size_t ) override;

  void get_status( Dictionary& ) const override;
  void set_status( const Dictionary& ) override;

private:
  void init_buffers_() override;
  void pre_run_hook() override;
  void update( nest::Time const&, const long, const long ) override;

  friend class nest::RecordablesMap< iaf_cond_exp_ee >;
  friend class nest::UniversalDataLogger< iaf_cond_exp_ee >;

  struct Parameters_
  {
    double V_th = -55.0;    // mV
    double V_reset = -60.0; // mV
    double t_ref = 2.0;     // ms
    double g_L = 16.6667;   // nS
    double C_m = 250.0;     // pF
    double E_ex = 0.0;      // mV
    double E_in = -85.0;    // mV
    double E_L = -70.0;     // mV
    double tau_ex = 0.2;    // ms
    double tau_in = 2.0;    // ms
    double I_e = 0.0;       // pA

    void get( Dictionary& ) const;
    void set( const Dictionary&, nest::Node* );
  };

  struct State_
  {
    double V_m;
    double g_ex = 0.0; // nS
    double g_in = 0.0; // nS
    int r = 0;         // refractory steps left

    explicit State_( const Parameters_& p )
      : V_m( p.E_L )
    {
    }
    void get( Dictionary& ) const;
    void set( const Dictionary&, nest::Node* );
  };

  struct Buffers_
  {
    explicit Buffers_( iaf_cond_exp_ee& n )
      : logger_( n )
    {
    }
    nest::UniversalDataLogger< iaf_cond_exp_ee > logger_;
    nest::RingBuffer spike_exc_;
    nest::RingBuffer spike_inh_;
    nest::RingBuffer currents_;
    double I_stim_ = 0.0; // pA, the current of the step being integrated
  };

  struct Variables_
  {
    int refractory_counts = 0;
    double h = 0.1;           // ms
    double h_over_C = 0.0;    // ms / pF
    double decay_ex = 0.0;    // exp(-h / tau_ex)
    double decay_in = 0.0;
    double mean_ex = 0.0;     // step mean of g_ex / its start value
    double mean_in = 0.0;
  };

  double
  get_V_m_() const
  {
    return S_.V_m;
  }
  double
  get_g_ex_() const
  {
    return S_.g_ex;
  }
  double
  get_g_in_() const
  {
    return S_.g_in;
  }

  Parameters_ P_;
  State_ S_;
  Variables_ V_;
  Buffers_ B_;

  static nest::RecordablesMap< iaf_cond_exp_ee > recordablesMap_;
};

nest::RecordablesMap< iaf_cond_exp_ee > iaf_cond_exp_ee::recordablesMap_;

}  // namespace condrate

namespace nest
{
template <>
void
RecordablesMap< condrate::iaf_cond_exp_ee >::create()
{
  insert_( names::V_m, &condrate::iaf_cond_exp_ee::get_V_m_ );
  insert_( names::g_ex, &condrate::iaf_cond_exp_ee::get_g_ex_ );
  insert_( names::g_in, &condrate::iaf_cond_exp_ee::get_g_in_ );
}
}  // namespace nest

namespace condrate
{
using namespace nest;

void
iaf_cond_exp_ee::Parameters_::get( Dictionary& d ) const
{
  d[ names::V_th ] = V_th;
  d[ names::V_reset ] = V_reset;
  d[ names::t_ref ] = t_ref;
  d[ names::g_L ] = g_L;
  d[ names::E_L ] = E_L;
  d[ names::E_ex ] = E_ex;
  d[ names::E_in ] = E_in;
  d[ names::C_m ] = C_m;
  d[ names::tau_syn_ex ] = tau_ex;
  d[ names::tau_syn_in ] = tau_in;
  d[ names::I_e ] = I_e;
}

void
iaf_cond_exp_ee::Parameters_::set( const Dictionary& d, Node* node )
{
  update_value_param( d, names::V_th, V_th, node );
  update_value_param( d, names::V_reset, V_reset, node );
  update_value_param( d, names::t_ref, t_ref, node );
  update_value_param( d, names::E_L, E_L, node );
  update_value_param( d, names::E_ex, E_ex, node );
  update_value_param( d, names::E_in, E_in, node );
  update_value_param( d, names::C_m, C_m, node );
  update_value_param( d, names::g_L, g_L, node );
  update_value_param( d, names::tau_syn_ex, tau_ex, node );
  update_value_param( d, names::tau_syn_in, tau_in, node );
  update_value_param( d, names::I_e, I_e, node );
  if ( V_reset >= V_th )
  {
    throw BadProperty( "Reset potential must be smaller than threshold." );
  }
  if ( C_m <= 0 )
  {
    throw BadProperty( "Capacitance must be strictly positive." );
  }
  if ( g_L <= 0 )
  {
    throw BadProperty( "Leak conductance must be strictly positive." );
  }
  if ( t_ref < 0 )
  {
    throw BadProperty( "Refractory time cannot be negative." );
  }
  if ( tau_ex <= 0 or tau_in <= 0 )
  {
    throw BadProperty( "All time constants must be strictly positive." );
  }
}

void
iaf_cond_exp_ee::State_::get( Dictionary& d ) const
{
  d[ names::V_m ] = V_m;
  d[ names::g_ex ] = g_ex;
  d[ names::g_in ] = g_in;
}

void
iaf_cond_exp_ee::State_::set( const Dictionary& d, Node* node )
{
  update_value_param( d, names::V_m, V_m, node );
  update_value_param( d, names::g_ex, g_ex, node );
  update_value_param( d, names::g_in, g_in, node );
}

iaf_cond_exp_ee::iaf_cond_exp_ee()
  : ArchivingNode()
  , P_()
  , S_( P_ )
  , B_( *this )
{
  recordablesMap_.create();
}

iaf_cond_exp_ee::iaf_cond_exp_ee( const iaf_cond_exp_ee& n )
  : ArchivingNode( n )
  , P_( n.P_ )
  , S_( n.S_ )
  , B_( *this )
{
}

void
iaf_cond_exp_ee::get_status( Dictionary& d ) const
{
  P_.get( d );
  S_.get( d );
  ArchivingNode::get_status( d );
  d[ names::recordables ] = recordablesMap_.get_list();
}

void
iaf_cond_exp_ee::set_status( const Dictionary& d )
{
  Parameters_ ptmp = P_;
  ptmp.set( d, this );
  State_ stmp = S_;
  stmp.set( d, this );
  ArchivingNode::set_status( d );
  P_ = ptmp;
  S_ = stmp;
}

void
iaf_cond_exp_ee::init_buffers_()
{
  B_.spike_exc_.clear();
  B_.spike_inh_.clear();
  B_.currents_.clear();
  ArchivingNode::clear_history();
  B_.logger_.reset();
  B_.I_stim_ = 0.0;
}

void
iaf_cond_exp_ee::pre_run_hook()
{
  B_.logger_.init();
  V_.refractory_counts = Time( Time::ms( P_.t_ref ) ).get_steps();
  V_.h = Time::get_resolution().get_ms();
  V_.h_over_C = V_.h / P_.C_m;
  V_.decay_ex = std::exp( -V_.h / P_.tau_ex );
  V_.decay_in = std::exp( -V_.h / P_.tau_in );
  V_.mean_ex = exp_kernel_mean( V_.h, P_.tau_ex );
  V_.mean_in = exp_kernel_mean( V_.h, P_.tau_in );
}

void
iaf_cond_exp_ee::update( Time const& origin, const long from, const long to )
{
  for ( long lag = from; lag < to; ++lag )
  {
    // the membrane: held at V_reset while refractory (as NEST's dV/dt = 0 there)
    if ( S_.r == 0 )
    {
      const double g_ex = S_.g_ex * V_.mean_ex;
      const double g_in = S_.g_in * V_.mean_in;
      const double G = P_.g_L + g_ex + g_in;
      const double G_V_inf = P_.g_L * P_.E_L + g_ex * P_.E_ex + g_in * P_.E_in + P_.I_e + B_.I_stim_;
      S_.V_m = exp_euler( S_.V_m, G, G_V_inf, V_.h_over_C );
    }
    S_.g_ex = S_.g_ex * V_.decay_ex + B_.spike_exc_.get_value( lag );
    S_.g_in = S_.g_in * V_.decay_in + B_.spike_inh_.get_value( lag );

    if ( S_.r > 0 )
    {
      --S_.r;
      S_.V_m = P_.V_reset;
    }
    else if ( S_.V_m >= P_.V_th )
    {
      S_.r = V_.refractory_counts;
      S_.V_m = P_.V_reset;
      set_spiketime( Time::step( origin.get_steps() + lag + 1 ) );
      SpikeEvent se;
      kernel().event_delivery_manager.send( *this, se, lag );
    }
    B_.I_stim_ = B_.currents_.get_value( lag );
    B_.logger_.record_data( origin.get_steps() + lag );
  }
}

size_t
iaf_cond_exp_ee::send_test_event( Node& target, size_t receptor_type, synindex, bool )
{
  return send_spike_test( *this, target, receptor_type );
}

size_t
iaf_cond_exp_ee::handles_test_event( SpikeEvent&, size_t receptor_type )
{
  return port_zero( receptor_type, get_name() );
}

size_t
iaf_cond_exp_ee::handles_test_event( CurrentEvent&, size_t receptor_type )
{
  return port_zero( receptor_type, get_name() );
}

size_t
iaf_cond_exp_ee::handles_test_event( DataLoggingRequest& dlr, size_t receptor_type )
{
  port_zero( receptor_type, get_name() );
  return B_.logger_.connect_logging_device( dlr, recordablesMap_ );
}

void
iaf_cond_exp_ee::handle( SpikeEvent& e )
{
  add_signed_spike( e, B_.spike_exc_, B_.spike_inh_ );
}

void
iaf_cond_exp_ee::handle( CurrentEvent& e )
{
  add_current( e, B_.currents_ );
}

void
iaf_cond_exp_ee::handle( DataLoggingRequest& e )
{
  B_.logger_.handle( e );
}

void
register_iaf_cond_exp_ee( const std::string& name )
{
  register_node_model< iaf_cond_exp_ee >( name );
}

}  // namespace condrate
