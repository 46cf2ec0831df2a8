// The MPI implementation of Communicator (mpi_communicator.cpp). Without MPI (the Makefile found no
// mpicxx), mpi_available() is false and make_mpi_communicator() throws.
#pragma once
#include <memory>

#include "framework/distributed/communicator.h"

namespace melgrad::distributed {

bool mpi_available();
// Calls MPI_Init (and registers MPI_Finalize to run at exit); one per process.
std::unique_ptr<Communicator> make_mpi_communicator();

}  // namespace melgrad::distributed
