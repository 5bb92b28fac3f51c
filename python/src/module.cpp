// thermodiff._core: the module and its two exceptions.
#include <new>

#include "bindings.hpp"
#include "cli/json_config.hpp"
#include "core/error.hpp"

namespace td::py {

toml::table table_from_json(const std::string& json_text, const std::string& what) {
  return toml_from_json(json_text, what);
}

}  // namespace td::py

PYBIND11_MODULE(_core, m) {
  namespace pb = pybind11;
  m.doc() = "thermodiff's engine (C++): the commands and the building blocks; use the package thermodiff";
  static pb::exception<td::InputError> input_error(m, "InputError", PyExc_ValueError);
  static pb::exception<td::RunError> run_error(m, "RunError", PyExc_RuntimeError);
  // Every other C++ failure is a failed run, as on the command line (exit 1); pybind11's own
  // translations (bad_alloc as MemoryError, Python errors raised through it) come after this.
  pb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const td::InputError& e) {
      PyErr_SetString(input_error.ptr(), e.what());
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const pb::builtin_exception&) {
      throw;
    } catch (const pb::error_already_set&) {
      throw;
    } catch (const std::exception& e) {
      PyErr_SetString(run_error.ptr(), e.what());
    }
  });
  td::py::add_commands(m);
  td::py::add_processes(m);
  td::py::add_mixtures(m);
  td::py::add_models(m);
  td::py::add_ensembles(m);
  td::py::add_observables(m);
}
