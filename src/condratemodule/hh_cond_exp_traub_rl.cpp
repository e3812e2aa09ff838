/*
 *  hh_cond_exp_traub_rl.cpp -- NEST's hh_cond_exp_traub with a fixed-step scheme.
 *
 *  Same parameters, initial state, recordables (V_m, g_ex, g_in, Act_m, Inact_h,
 *  Act_n), receptor convention (one port; a negative weight is inhibitory) and spike
 *  rule (V >= V_T + 30 mV and falling, then t_ref without spikes) as NEST 3.10's
 *  hh_cond_exp_traub. The integrator takes n_substeps equal sub-steps per NEST step
 *  (n_substeps_spike in a step that starts more than u_spike above V_T: spike
 *  initiation and the upstroke, where V moves tens of mV per step): gates by
 *  Rush-Larsen (exact for V frozen over the sub-step; propagators tabulated in V),
 *  then V by exponential Euler in the total conductance (leak, Na, K with the new
 *  gates, and the exact sub-step means of the exponential synaptic conductances),
 *  instead of GSL's adaptive RKF45.
 */

#include "condrate_models.h"
#include "fixed_step.h"
#include "node_events.h"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

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

//! Traub-Miles rate functions (1/ms) at u = V - V_T (mV), as NEST writes them.
struct TraubRates
{
  double a_m, b_m, a_h, b_h, a_n, b_n;

  explicit TraubRates( double u )
    : a_m( 0.32 * ( 13. - u ) / ( std::exp( ( 13. - u ) / 4. ) - 1. ) )
    , b_m( 0.28 * ( u - 40. ) / ( std::exp( ( u - 40. ) / 5. ) - 1. ) )
    , a_h( 0.128 * std::exp( ( 17. - u ) / 18. ) )
    , b_h( 4. / ( 1. + std::exp( ( 40. - u ) / 5. ) ) )
    , a_n( 0.032 * ( 15. - u ) / ( std::exp( ( 15. - u ) / 5. ) - 1. ) )
    , b_n( 0.5 * std::exp( ( 10. - u ) / 40. ) )
  {
  }
};

/**
 * Rush-Larsen propagators of the three gates over a sub-step dt, tabulated in
 * u = V - V_T: x(t + dt) = A(u) + B(u) x(t), with B = exp(-(a + b) dt) and
 * A = a / (a + b) (1 - B), linearly interpolated between grid points (the rates
 * vary on a scale of 4-5 mV; at 0.02 mV the interpolation error is below 1e-5 of
 * the propagators). Outside the grid the rates are evaluated directly.
 */
class GatePropagators
{
public:
  struct Entry
  {
    double A_m, B_m, A_h, B_h, A_n, B_n;
  };

  //! The table for sub-step dt (ms), built once per dt and shared by all neurons.
  static const GatePropagators& for_step( double dt );

  Entry
  at( double u ) const
  {
    const double x = ( u - U_MIN ) * INV_DU;
    if ( not( x >= 0.0 and x < N_POINTS - 1 ) )
    {
      return exact( u, dt_ );
    }
    const size_t i = static_cast< size_t >( x );
    const double f = x - i;
    const Entry& lo = table_[ i ];
    const Entry& hi = table_[ i + 1 ];
    return { lo.A_m + f * ( hi.A_m - lo.A_m ),
      lo.B_m + f * ( hi.B_m - lo.B_m ),
      lo.A_h + f * ( hi.A_h - lo.A_h ),
      lo.B_h + f * ( hi.B_h - lo.B_h ),
      lo.A_n + f * ( hi.A_n - lo.A_n ),
      lo.B_n + f * ( hi.B_n - lo.B_n ) };
  }

  static Entry exact( double u, double dt );

private:
  explicit GatePropagators( double dt );

  static constexpr double U_MIN = -60.0; // mV, V - V_T
  static constexpr double U_MAX = 120.0;
  static constexpr double DU = 0.02;
  static constexpr double INV_DU = 1.0 / DU;
  static constexpr size_t N_POINTS = static_cast< size_t >( ( U_MAX - U_MIN ) / DU + 0.5 ) + 1;

  double dt_;
  std::vector< Entry > table_;
};

GatePropagators::Entry
GatePropagators::exact( double u, double dt )
{
  // the rates' 0/0 points (u = 13, 15, 40 mV) are removable: average the neighbours
  for ( double pole : { 13.0, 15.0, 40.0 } )
  {
    if ( std::abs( u - pole ) < 1e-7 )
    {
      const Entry lo = exact( pole - 1e-6, dt ), hi = exact( pole + 1e-6, dt );
      return { 0.5 * ( lo.A_m + hi.A_m ),
        0.5 * ( lo.B_m + hi.B_m ),
        0.5 * ( lo.A_h + hi.A_h ),
        0.5 * ( lo.B_h + hi.B_h ),
        0.5 * ( lo.A_n + hi.A_n ),
        0.5 * ( lo.B_n + hi.B_n ) };
    }
  }
  const TraubRates k( u );
  const double B_m = std::exp( -( k.a_m + k.b_m ) * dt );
  const double B_h = std::exp( -( k.a_h + k.b_h ) * dt );
  const double B_n = std::exp( -( k.a_n + k.b_n ) * dt );
  return { k.a_m / ( k.a_m + k.b_m ) * ( 1.0 - B_m ),
    B_m,
    k.a_h / ( k.a_h + k.b_h ) * ( 1.0 - B_h ),
    B_h,
    k.a_n / ( k.a_n + k.b_n ) * ( 1.0 - B_n ),
    B_n };
}

GatePropagators::GatePropagators( double dt )
  : dt_( dt )
  , table_( N_POINTS )
{
  for ( size_t i = 0; i < N_POINTS; ++i )
  {
    table_[ i ] = exact( U_MIN + i * DU, dt );
  }
}

const GatePropagators&
GatePropagators::for_step( double dt )
{
  // pre_run_hook runs on every thread at once: one lock around the shared tables
  static std::mutex lock;
  static std::map< double, std::unique_ptr< GatePropagators > > tables;
  const std::lock_guard< std::mutex > guard( lock );
  auto& table = tables[ dt ];
  if ( not table )
  {
    table.reset( new GatePropagators( dt ) );
  }
  return *table;
}

class hh_cond_exp_traub_rl : public nest::ArchivingNode
{
public:
  hh_cond_exp_traub_rl();
  hh_cond_exp_traub_rl( const hh_cond_exp_traub_rl& );

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

  friend class nest::RecordablesMap< hh_cond_exp_traub_rl >;
  friend class nest::UniversalDataLogger< hh_cond_exp_traub_rl >;

  struct Parameters_
  {
    double g_Na = 20000.0; // nS
    double g_K = 6000.0;   // nS
    double g_L = 10.0;     // nS
    double C_m = 200.0;    // pF
    double E_Na = 50.0;    // mV
    double E_K = -90.0;    // mV
    double E_L = -60.0;    // mV
    double V_T = -63.0;    // mV
    double E_ex = 0.0;     // mV
    double E_in = -80.0;   // mV
    double tau_ex = 5.0;   // ms
    double tau_in = 10.0;  // ms
    double t_ref = 2.0;    // ms
    double I_e = 0.0;      // pA
    long n_substeps = 2;        // sub-steps per NEST step below V_T + u_spike
    long n_substeps_spike = 8;  // sub-steps per NEST step that starts above it
    double u_spike = 5.0;       // mV above V_T: where spike initiation begins

    void get( Dictionary& ) const;
    void set( const Dictionary&, nest::Node* );
  };

  struct State_
  {
    double V_m, m, h, n;
    double g_ex = 0.0; // nS
    double g_in = 0.0; // nS
    int r = 0;         // steps left without spike emission

    explicit State_( const Parameters_& p );
    void get( Dictionary& ) const;
    void set( const Dictionary&, nest::Node* );
  };

  struct Buffers_
  {
    explicit Buffers_( hh_cond_exp_traub_rl& n )
      : logger_( n )
    {
    }
    nest::UniversalDataLogger< hh_cond_exp_traub_rl > logger_;
    nest::RingBuffer spike_exc_;
    nest::RingBuffer spike_inh_;
    nest::RingBuffer currents_;
    double I_stim_ = 0.0; // pA
  };

  //! Everything one sub-step of length dt needs, precomputed.
  struct Substep
  {
    long n = 1;              // sub-steps per NEST step
    double dt = 0.05;        // ms
    double dt_over_C = 0.0;  // ms / pF
    double decay_ex = 0.0;   // over a sub-step
    double decay_in = 0.0;
    double mean_ex = 0.0;    // sub-step means per unit start value
    double mean_in = 0.0;
    const GatePropagators* gates = nullptr;

    void prepare( long n_per_step, double h, const Parameters_& p );
  };

  struct Variables_
  {
    int refractory_counts = 0;
    Substep coarse;  // below V_T + u_spike at the step's start
    Substep fine;    // above: the spike's upstroke and peak
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
  double
  get_m_() const
  {
    return S_.m;
  }
  double
  get_h_() const
  {
    return S_.h;
  }
  double
  get_n_() const
  {
    return S_.n;
  }

  Parameters_ P_;
  State_ S_;
  Variables_ V_;
  Buffers_ B_;

  static nest::RecordablesMap< hh_cond_exp_traub_rl > recordablesMap_;
};

nest::RecordablesMap< hh_cond_exp_traub_rl > hh_cond_exp_traub_rl::recordablesMap_;

}  // namespace condrate

namespace nest
{
template <>
void
RecordablesMap< condrate::hh_cond_exp_traub_rl >::create()
{
  insert_( names::V_m, &condrate::hh_cond_exp_traub_rl::get_V_m_ );
  insert_( names::g_ex, &condrate::hh_cond_exp_traub_rl::get_g_ex_ );
  insert_( names::g_in, &condrate::hh_cond_exp_traub_rl::get_g_in_ );
  insert_( names::Act_m, &condrate::hh_cond_exp_traub_rl::get_m_ );
  insert_( names::Inact_h, &condrate::hh_cond_exp_traub_rl::get_h_ );
  insert_( names::Act_n, &condrate::hh_cond_exp_traub_rl::get_n_ );
}
}  // namespace nest

namespace condrate
{
using namespace nest;

hh_cond_exp_traub_rl::State_::State_( const Parameters_& p )
  : V_m( p.E_L )
{
  // NEST's initial gates: the equilibrium of its rate functions evaluated at
  // V = E_L itself (not at E_L - V_T), kept for identical initial states
  const TraubRates k( p.E_L );
  m = k.a_m / ( k.a_m + k.b_m );
  h = k.a_h / ( k.a_h + k.b_h );
  n = k.a_n / ( k.a_n + k.b_n );
}

void
hh_cond_exp_traub_rl::Parameters_::get( Dictionary& d ) const
{
  d[ names::g_Na ] = g_Na;
  d[ names::g_K ] = g_K;
  d[ names::g_L ] = g_L;
  d[ names::C_m ] = C_m;
  d[ names::E_Na ] = E_Na;
  d[ names::E_K ] = E_K;
  d[ names::E_L ] = E_L;
  d[ names::V_T ] = V_T;
  d[ names::E_ex ] = E_ex;
  d[ names::E_in ] = E_in;
  d[ names::tau_syn_ex ] = tau_ex;
  d[ names::tau_syn_in ] = tau_in;
  d[ names::t_ref ] = t_ref;
  d[ names::I_e ] = I_e;
  d[ "n_substeps" ] = n_substeps;
  d[ "n_substeps_spike" ] = n_substeps_spike;
  d[ "u_spike" ] = u_spike;
}

void
hh_cond_exp_traub_rl::Parameters_::set( const Dictionary& d, Node* node )
{
  update_value_param( d, names::g_Na, g_Na, node );
  update_value_param( d, names::g_K, g_K, node );
  update_value_param( d, names::g_L, g_L, node );
  update_value_param( d, names::C_m, C_m, node );
  update_value_param( d, names::E_Na, E_Na, node );
  update_value_param( d, names::E_K, E_K, node );
  update_value_param( d, names::E_L, E_L, node );
  update_value_param( d, names::V_T, V_T, node );
  update_value_param( d, names::E_ex, E_ex, node );
  update_value_param( d, names::E_in, E_in, node );
  update_value_param( d, names::tau_syn_ex, tau_ex, node );
  update_value_param( d, names::tau_syn_in, tau_in, node );
  update_value_param( d, names::t_ref, t_ref, node );
  update_value_param( d, names::I_e, I_e, node );
  d.update_value( "n_substeps", n_substeps );
  d.update_value( "n_substeps_spike", n_substeps_spike );
  update_value_param( d, "u_spike", u_spike, node );
  if ( C_m <= 0 )
  {
    throw BadProperty( "Capacitance must be strictly positive." );
  }
  if ( tau_ex <= 0 or tau_in <= 0 )
  {
    throw BadProperty( "All time constants must be strictly positive." );
  }
  if ( t_ref < 0 )
  {
    throw BadProperty( "Refractory time cannot be negative." );
  }
  if ( n_substeps < 1 or n_substeps_spike < 1 )
  {
    throw BadProperty( "n_substeps and n_substeps_spike must be at least 1." );
  }
}

void
hh_cond_exp_traub_rl::State_::get( Dictionary& d ) const
{
  d[ names::V_m ] = V_m;
  d[ names::Act_m ] = m;
  d[ names::Inact_h ] = h;
  d[ names::Act_n ] = n;
}

void
hh_cond_exp_traub_rl::State_::set( const Dictionary& d, Node* node )
{
  update_value_param( d, names::V_m, V_m, node );
  update_value_param( d, names::Act_m, m, node );
  update_value_param( d, names::Inact_h, h, node );
  update_value_param( d, names::Act_n, n, node );
  if ( m < 0 or h < 0 or n < 0 )
  {
    throw BadProperty( "All (in)activation variables must be non-negative." );
  }
}

hh_cond_exp_traub_rl::hh_cond_exp_traub_rl()
  : ArchivingNode()
  , P_()
  , S_( P_ )
  , B_( *this )
{
  recordablesMap_.create();
}

hh_cond_exp_traub_rl::hh_cond_exp_traub_rl( const hh_cond_exp_traub_rl& n )
  : ArchivingNode( n )
  , P_( n.P_ )
  , S_( n.S_ )
  , B_( *this )
{
}

void
hh_cond_exp_traub_rl::get_status( Dictionary& d ) const
{
  P_.get( d );
  S_.get( d );
  ArchivingNode::get_status( d );
  d[ names::recordables ] = recordablesMap_.get_list();
}

void
hh_cond_exp_traub_rl::set_status( const Dictionary& d )
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
hh_cond_exp_traub_rl::init_buffers_()
{
  B_.spike_exc_.clear();
  B_.spike_inh_.clear();
  B_.currents_.clear();
  ArchivingNode::clear_history();
  B_.logger_.reset();
  B_.I_stim_ = 0.0;
}

void
hh_cond_exp_traub_rl::pre_run_hook()
{
  B_.logger_.init();
  V_.refractory_counts = Time( Time::ms( P_.t_ref ) ).get_steps();
  const double h = Time::get_resolution().get_ms();
  V_.coarse.prepare( P_.n_substeps, h, P_ );
  V_.fine.prepare( P_.n_substeps_spike, h, P_ );
}

void
hh_cond_exp_traub_rl::Substep::prepare( long n_per_step, double h, const Parameters_& p )
{
  n = n_per_step;
  dt = h / n;
  dt_over_C = dt / p.C_m;
  decay_ex = std::exp( -dt / p.tau_ex );
  decay_in = std::exp( -dt / p.tau_in );
  mean_ex = exp_kernel_mean( dt, p.tau_ex );
  mean_in = exp_kernel_mean( dt, p.tau_in );
  gates = &GatePropagators::for_step( dt );
}

void
hh_cond_exp_traub_rl::update( Time const& origin, const long from, const long to )
{
  for ( long lag = from; lag < to; ++lag )
  {
    const double V_old = S_.V_m;
    const double I = P_.I_e + B_.I_stim_;
    const Substep& sub = S_.V_m - P_.V_T > P_.u_spike ? V_.fine : V_.coarse;
    for ( long k = 0; k < sub.n; ++k )
    {
      const GatePropagators::Entry p = sub.gates->at( S_.V_m - P_.V_T );
      S_.m = p.A_m + p.B_m * S_.m;
      S_.h = p.A_h + p.B_h * S_.h;
      S_.n = p.A_n + p.B_n * S_.n;
      const double g_Na = P_.g_Na * S_.m * S_.m * S_.m * S_.h;
      const double n2 = S_.n * S_.n;
      const double g_K = P_.g_K * n2 * n2;
      const double g_ex = S_.g_ex * sub.mean_ex;
      const double g_in = S_.g_in * sub.mean_in;
      const double G = P_.g_L + g_Na + g_K + g_ex + g_in;
      const double G_V_inf =
        P_.g_L * P_.E_L + g_Na * P_.E_Na + g_K * P_.E_K + g_ex * P_.E_ex + g_in * P_.E_in + I;
      S_.V_m = exp_euler( S_.V_m, G, G_V_inf, sub.dt_over_C );
      S_.g_ex *= sub.decay_ex;
      S_.g_in *= sub.decay_in;
    }
    S_.g_ex += B_.spike_exc_.get_value( lag );
    S_.g_in += B_.spike_inh_.get_value( lag );

    if ( S_.r > 0 )
    {
      --S_.r;
    }
    else if ( S_.V_m >= P_.V_T + 30. and V_old > S_.V_m )
    {
      S_.r = V_.refractory_counts;
      set_spiketime( Time::step( origin.get_steps() + lag + 1 ) );
      SpikeEvent se;
      kernel().event_delivery_manager.send( *this, se, lag );
    }
    B_.I_stim_ = B_.currents_.get_value( lag );
    B_.logger_.record_data( origin.get_steps() + lag );
  }
}

size_t
hh_cond_exp_traub_rl::send_test_event( Node& target, size_t receptor_type, synindex, bool )
{
  return send_spike_test( *this, target, receptor_type );
}

size_t
hh_cond_exp_traub_rl::handles_test_event( SpikeEvent&, size_t receptor_type )
{
  return port_zero( receptor_type, get_name() );
}

size_t
hh_cond_exp_traub_rl::handles_test_event( CurrentEvent&, size_t receptor_type )
{
  return port_zero( receptor_type, get_name() );
}

size_t
hh_cond_exp_traub_rl::handles_test_event( DataLoggingRequest& dlr, size_t receptor_type )
{
  port_zero( receptor_type, get_name() );
  return B_.logger_.connect_logging_device( dlr, recordablesMap_ );
}

void
hh_cond_exp_traub_rl::handle( SpikeEvent& e )
{
  add_signed_spike( e, B_.spike_exc_, B_.spike_inh_ );
}

void
hh_cond_exp_traub_rl::handle( CurrentEvent& e )
{
  add_current( e, B_.currents_ );
}

void
hh_cond_exp_traub_rl::handle( DataLoggingRequest& e )
{
  B_.logger_.handle( e );
}

void
register_hh_cond_exp_traub_rl( const std::string& name )
{
  register_node_model< hh_cond_exp_traub_rl >( name );
}

}  // namespace condrate
