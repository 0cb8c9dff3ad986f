// Large blocks on transparent huge pages.
//
// Elaborating a large model fills tens of MiB of tables that grow by
// doubling; on 4 KiB pages each fresh page costs a fault (a quarter of
// `rdc-lint -D n=256`'s time on a virtual machine) and the tables' random
// access misses the TLB. Where the kernel gives huge pages only on request
// (`madvise` mode, the usual default), a block of 4 MiB or more asks for
// them before it is touched. The tools link this replacement of the global
// `operator new`; it allocates with malloc as the default one does, so the
// default `operator delete` frees it. Sanitizer builds keep their own.
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define RDC_UNDER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RDC_UNDER_SANITIZER 1
#endif

#if !defined(RDC_UNDER_SANITIZER) && defined(MADV_HUGEPAGE)
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kLarge = 2 * kHugePage;

void* allocate(size_t size) {
  for (;;) {
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
      if (size >= kLarge) {  // the whole huge pages inside the block
        auto from = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
        auto to = (reinterpret_cast<uintptr_t>(p) + size) & ~(kHugePage - 1);
        if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // a hint: failure is harmless
      }
      return p;
    }
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

void* operator new(size_t size) { return allocate(size); }
void* operator new[](size_t size) { return allocate(size); }
#endif
