// Link: the one component that crosses domains. snd' = snd in the sender's
// domain; a chosen rcv is snd, available in the receiver's after the network
// delay. Projection cuts a Link whose ends land in different projections
// into its two halves, Send and Recv (gateways), defined here too.
// Its reaction is reactions::link (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

using namespace rules;

void define_link(Catalog& c) {
  LineSig rcv = choosable(line("rcv", generic()),
                          "equal to snd, available after the network delay; forcing rcv models "
                          "a corrupt sender or channel",
                          {"snd"});
  rcv.side = 1;
  c.add({.name = "Link",
         .doc = "snd' = snd in the sender's domain; rcv' = rcv in the receiver's.",
         .lines = {line("snd", generic()), rcv},
         .domain = DomainRule::Cross,
         .inverse = "Link",
         .inverseDoc = "identity.",
         .react = reactions::link<FireContext>,
         .ignoresItsChoices = true,
         .invert = invertCopy,
         .sendHalf = "Send",
         .receiveHalf = "Recv"});
  c.add({.name = "Send",
         .doc = "projection gateway, the sending half of a cut Link: snd passes through; net, a copy of "
                "snd, leaves the domain as an extrinsic output named after the Link.",
         .lines = {line("snd", generic()),
                   choosable(line("net", generic()), "a copy of snd, sent to the network", {"snd"})},
         .inverse = "Send",
         .inverseDoc = "identity.",
         .react = reactions::copyFirstLine<FireContext>,
         .ignoresItsChoices = true,
         .invert = invertCopy});
  c.add({.name = "Recv",
         .doc = "projection gateway, the receiving half of a cut Link: rcv passes on what the network "
                "delivered, an extrinsic input named after the Link.",
         .lines = {line("rcv", generic())},
         .inverse = "Recv",
         .inverseDoc = "identity."});
}

}  // namespace rdc
