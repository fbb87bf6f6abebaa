# Compiler warnings for every target of the course: the project builds clean with
# -Wall -Wextra -Wpedantic, and CI turns warnings into errors (COURSE_WARNINGS_AS_ERRORS).
add_library(course_warnings INTERFACE)
target_compile_options(course_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                 -Wnon-virtual-dtor -Wold-style-cast)
if(COURSE_WARNINGS_AS_ERRORS)
  target_compile_options(course_warnings INTERFACE -Werror)
endif()
# g++ 12 under ThreadSanitizer warns that atomic_thread_fence, which Asio's handler machinery uses,
# is not modelled by TSan (-Wtsan). Our Asio servers run their loop on one thread, so no fence
# orders anything between threads there; the warning would only stop the TSan build under -Werror.
if(COURSE_SANITIZER STREQUAL "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(course_warnings INTERFACE -Wno-tsan)
endif()
