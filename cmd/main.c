/* dnstunnel-scan - command line; being written. */
#include <dnsts/dnsts.h>
int main(void) { return 0; }
