/*
 *  glif_cond_ee.cpp -- NEST's glif_cond at level GLIF1 with a fixed-step scheme.
 *
 *  Same parameter names and units as NEST 3.10's glif_cond (V_th, V_reset, E_L
 *  absolute; g_m; two receptor ports 1 and 2 with alpha-shaped conductances of unit
 *  peak, tau_syn and E_rev as two-element lists), the same recordables (V_m, g_1,
 *  g_2), the same update order and threshold test (V > V_th, then V_reset and t_ref).
 *  Only GLIF1 (no spike-dependent threshold, after-spike currents or adapting
 *  threshold): setting any of those mechanisms is refused. The integrator is exact
 *  for the alpha conductances and exponential Euler on V with their exact step means
 *  (fixed_step.h), instead of GSL's adaptive RKF45.
 */

#include "condrate_models.h"
#include "fixed_step.h"
#include "node_events.h"

#include <vector>

// Includes from nestkernel:
#include "archiving_node.h"
#include "dict_util.h"
#include "event.h"
#include "exceptions.h"
#include "kernel_manager.h"
#include "nest_impl.h"
#include "numerics.h"
#include "recordables_map.h"
#include "ring_buffer.h"
#include "universal_data_logger_impl.h"

namespace condrate
{

class glif_cond_ee : public nest::ArchivingNode
{
public:
  glif_cond_ee();
  glif_cond_ee( const glif_cond_ee& );

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

  static constexpr size_t N_RECEPTORS = 2;

private:
  void init_buffers_() override;
  void pre_run_hook() override;
  void update( nest::Time const&, const long, const long ) override;

  friend class nest::RecordablesMap< glif_cond_ee >;
  friend class nest::UniversalDataLogger< glif_cond_ee >;

  struct Parameters_
  {
    double G = 9.43;          // nS, membrane conductance g_m
    double E_L = -78.85;      // mV
    double V_th = -51.68;     // mV
    double C_m = 58.72;       // pF
    double t_ref = 3.75;      // ms
    double V_reset = -78.85;  // mV
    std::vector< double > tau_syn { 0.2, 2.0 }; // ms
    std::vector< double > E_rev { 0.0, -85.0 }; // mV

    void get( Dictionary& ) const;
    void set( const Dictionary&, nest::Node* );
  };

  struct State_
  {
    double V_m;
    double dg[ N_RECEPTORS ] = { 0.0, 0.0 }; // nS/ms
    double g[ N_RECEPTORS ] = { 0.0, 0.0 };  // nS
    int r = 0;                               // refractory steps left

    explicit State_( const Parameters_& p )
      : V_m( p.E_L )
    {
    }
    void get( Dictionary& ) const;
    void set( const Dictionary&, nest::Node* );
  };

  struct Buffers_
  {
    explicit Buffers_( glif_cond_ee& n )
      : logger_( n )
    {
    }
    nest::UniversalDataLogger< glif_cond_ee > logger_;
    nest::RingBuffer spikes_[ N_RECEPTORS ];
    nest::RingBuffer currents_;
    double I_ = 0.0; // pA, the current of the step being integrated
  };

  struct Variables_
  {
    int refractory_counts = 0;
    double h_over_C = 0.0;                // ms / pF
    double decay[ N_RECEPTORS ] {};       // exp(-h / tau)
    double g_mean[ N_RECEPTORS ] {};      // step mean of g per unit g at the start
    double dg_mean[ N_RECEPTORS ] {};     // step mean of g per unit dg at the start (ms)
    double h = 0.1;                       // ms
    double dg_per_weight[ N_RECEPTORS ] {}; // e / tau: unit peak of the alpha kernel
  };

  double
  get_V_m_() const
  {
    return S_.V_m;
  }
  double
  get_g_1_() const
  {
    return S_.g[ 0 ];
  }
  double
  get_g_2_() const
  {
    return S_.g[ 1 ];
  }

  Parameters_ P_;
  State_ S_;
  Variables_ V_;
  Buffers_ B_;

  static nest::RecordablesMap< glif_cond_ee > recordablesMap_;
};

nest::RecordablesMap< glif_cond_ee > glif_cond_ee::recordablesMap_;

}  // namespace condrate

namespace nest
{
template <>
void
RecordablesMap< condrate::glif_cond_ee >::create()
{
  insert_( names::V_m, &condrate::glif_cond_ee::get_V_m_ );
  insert_( "g_1", &condrate::glif_cond_ee::get_g_1_ );
  insert_( "g_2", &condrate::glif_cond_ee::get_g_2_ );
}
}  // namespace nest

namespace condrate
{
using namespace nest;

void
glif_cond_ee::Parameters_::get( Dictionary& d ) const
{
  d[ names::V_th ] = V_th;
  d[ names::g_m ] = G;
  d[ names::E_L ] = E_L;
  d[ names::C_m ] = C_m;
  d[ names::t_ref ] = t_ref;
  d[ names::V_reset ] = V_reset;
  d[ names::tau_syn ] = tau_syn;
  d[ names::E_rev ] = E_rev;
  d[ names::spike_dependent_threshold ] = false;
  d[ names::after_spike_currents ] = false;
  d[ names::adapting_threshold ] = false;
}

void
glif_cond_ee::Parameters_::set( const Dictionary& d, Node* node )
{
  update_value_param( d, names::E_L, E_L, node );
  update_value_param( d, names::V_reset, V_reset, node );
  update_value_param( d, names::V_th, V_th, node );
  update_value_param( d, names::g_m, G, node );
  update_value_param( d, names::C_m, C_m, node );
  update_value_param( d, names::t_ref, t_ref, node );
  d.update_value( names::tau_syn, tau_syn );
  d.update_value( names::E_rev, E_rev );
  for ( const auto& mechanism :
    { names::spike_dependent_threshold, names::after_spike_currents, names::adapting_threshold } )
  {
    bool on = false;
    d.update_value( mechanism, on );
    if ( on )
    {
      throw BadProperty( "glif_cond_ee implements GLIF1 only: " + mechanism + " must be False." );
    }
  }
  if ( tau_syn.size() != N_RECEPTORS or E_rev.size() != N_RECEPTORS )
  {
    throw BadProperty( "glif_cond_ee has two receptor ports: tau_syn and E_rev need two entries each." );
  }
  if ( V_reset >= V_th )
  {
    throw BadProperty( "Reset potential must be smaller than threshold." );
  }
  if ( C_m <= 0.0 )
  {
    throw BadProperty( "Capacitance must be strictly positive." );
  }
  if ( G <= 0.0 )
  {
    throw BadProperty( "Membrane conductance must be strictly positive." );
  }
  if ( t_ref <= 0.0 )
  {
    throw BadProperty( "Refractory time constant must be strictly positive." );
  }
  for ( double tau : tau_syn )
  {
    if ( tau <= 0.0 )
    {
      throw BadProperty( "All synaptic time constants must be strictly positive." );
    }
  }
}

void
glif_cond_ee::State_::get( Dictionary& d ) const
{
  d[ names::V_m ] = V_m;
  d[ names::g ] = std::vector< double >( g, g + N_RECEPTORS );
  d[ names::dg ] = std::vector< double >( dg, dg + N_RECEPTORS );
}

void
glif_cond_ee::State_::set( const Dictionary& d, Node* node )
{
  update_value_param( d, names::V_m, V_m, node );
}

glif_cond_ee::glif_cond_ee()
  : ArchivingNode()
  , P_()
  , S_( P_ )
  , B_( *this )
{
  recordablesMap_.create();
}

glif_cond_ee::glif_cond_ee( const glif_cond_ee& n )
  : ArchivingNode( n )
  , P_( n.P_ )
  , S_( n.S_ )
  , B_( *this )
{
}

void
glif_cond_ee::get_status( Dictionary& d ) const
{
  P_.get( d );
  S_.get( d );
  ArchivingNode::get_status( d );
  d[ names::recordables ] = recordablesMap_.get_list();
}

void
glif_cond_ee::set_status( const Dictionary& d )
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
glif_cond_ee::init_buffers_()
{
  for ( auto& b : B_.spikes_ )
  {
    b.clear();
  }
  B_.currents_.clear();
  ArchivingNode::clear_history();
  B_.logger_.reset();
  B_.I_ = 0.0;
}

void
glif_cond_ee::pre_run_hook()
{
  B_.logger_.init();
  V_.refractory_counts = Time( Time::ms( P_.t_ref ) ).get_steps();
  V_.h = Time::get_resolution().get_ms();
  V_.h_over_C = V_.h / P_.C_m;
  for ( size_t i = 0; i < N_RECEPTORS; ++i )
  {
    V_.decay[ i ] = std::exp( -V_.h / P_.tau_syn[ i ] );
    V_.g_mean[ i ] = exp_kernel_mean( V_.h, P_.tau_syn[ i ] );
    V_.dg_mean[ i ] = alpha_kernel_mean( V_.h, P_.tau_syn[ i ] );
    V_.dg_per_weight[ i ] = numerics::e / P_.tau_syn[ i ];
  }
}

void
glif_cond_ee::update( Time const& origin, const long from, const long to )
{
  for ( long lag = from; lag < to; ++lag )
  {
    // the membrane: held while refractory (NEST's glif_cond keeps V at its reset)
    if ( S_.r == 0 )
    {
      double G = P_.G;
      double G_V_inf = P_.G * P_.E_L + B_.I_;
      for ( size_t i = 0; i < N_RECEPTORS; ++i )
      {
        const double g = S_.g[ i ] * V_.g_mean[ i ] + S_.dg[ i ] * V_.dg_mean[ i ];
        G += g;
        G_V_inf += g * P_.E_rev[ i ];
      }
      S_.V_m = exp_euler( S_.V_m, G, G_V_inf, V_.h_over_C );
    }
    for ( size_t i = 0; i < N_RECEPTORS; ++i )
    {
      S_.g[ i ] = ( S_.g[ i ] + V_.h * S_.dg[ i ] ) * V_.decay[ i ];
      S_.dg[ i ] *= V_.decay[ i ];
    }

    if ( S_.r == 0 )
    {
      if ( S_.V_m > P_.V_th )
      {
        S_.r = V_.refractory_counts;
        S_.V_m = P_.V_reset;
        set_spiketime( Time::step( origin.get_steps() + lag + 1 ) );
        SpikeEvent se;
        kernel().event_delivery_manager.send( *this, se, lag );
      }
    }
    else
    {
      --S_.r;
    }

    for ( size_t i = 0; i < N_RECEPTORS; ++i )
    {
      S_.dg[ i ] += B_.spikes_[ i ].get_value( lag ) * V_.dg_per_weight[ i ];
    }
    B_.I_ = B_.currents_.get_value( lag );
    B_.logger_.record_data( origin.get_steps() + lag );
  }
}

size_t
glif_cond_ee::send_test_event( Node& target, size_t receptor_type, synindex, bool )
{
  return send_spike_test( *this, target, receptor_type );
}

size_t
glif_cond_ee::handles_test_event( SpikeEvent&, size_t receptor_type )
{
  if ( receptor_type <= 0 or receptor_type > N_RECEPTORS )
  {
    throw IncompatibleReceptorType( receptor_type, get_name(), "SpikeEvent" );
  }
  return receptor_type;
}

size_t
glif_cond_ee::handles_test_event( CurrentEvent&, size_t receptor_type )
{
  return port_zero( receptor_type, get_name() );
}

size_t
glif_cond_ee::handles_test_event( DataLoggingRequest& dlr, size_t receptor_type )
{
  port_zero( receptor_type, get_name() );
  return B_.logger_.connect_logging_device( dlr, recordablesMap_ );
}

void
glif_cond_ee::handle( SpikeEvent& e )
{
  B_.spikes_[ e.get_rport() - 1 ].add_value( delivery_step( e ), e.get_weight() * e.get_multiplicity() );
}

void
glif_cond_ee::handle( CurrentEvent& e )
{
  add_current( e, B_.currents_ );
}

void
glif_cond_ee::handle( DataLoggingRequest& e )
{
  B_.logger_.handle( e );
}

void
register_glif_cond_ee( const std::string& name )
{
  register_node_model< glif_cond_ee >( name );
}

}  // namespace condrate
