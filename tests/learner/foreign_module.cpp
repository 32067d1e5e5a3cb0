// A shared object that is not carl's LibTorch module: it exports neither of the module's symbols.
extern "C" int carl_foreign_module_answer() {
  return 42;
}
