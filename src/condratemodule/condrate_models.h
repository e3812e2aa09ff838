/*
 *  condrate_models.h -- the neuron models of condrate's NEST extension module.
 */

#ifndef CONDRATE_MODELS_H
#define CONDRATE_MODELS_H

#include <string>

namespace condrate
{
void register_iaf_cond_exp_ee( const std::string& name );
void register_glif_cond_ee( const std::string& name );
void register_hh_cond_exp_traub_rl( const std::string& name );
}

#endif
