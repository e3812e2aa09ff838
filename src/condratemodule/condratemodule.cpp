/*
 *  condratemodule.cpp -- condrate's NEST extension module: fixed-step versions of
 *  iaf_cond_exp, glif_cond (GLIF1) and hh_cond_exp_traub with NEST's parameters and
 *  receptor conventions. Load with nest.Install("<path>/condratemodule.so").
 */

#include "condrate_models.h"

// Includes from nestkernel:
#include "nest_extension_interface.h"

namespace condrate
{
class CondrateModule : public nest::NESTExtensionInterface
{
public:
  void initialize() override;
};
}

// the symbol NEST looks up when it loads the module (outside any namespace)
condrate::CondrateModule condratemodule_LTX_module;

void
condrate::CondrateModule::initialize()
{
  register_iaf_cond_exp_ee( "iaf_cond_exp_ee" );
  register_glif_cond_ee( "glif_cond_ee" );
  register_hh_cond_exp_traub_rl( "hh_cond_exp_traub_rl" );
}
